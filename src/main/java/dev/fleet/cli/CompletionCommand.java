package dev.fleet.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fleet completion}: the shell completion script for every command and option, generated from
 * the command model itself, so it cannot fall behind the commands.
 */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {"Print the shell completion script for fleet's commands and options.",
            "bash: source <(fleet completion bash)   (or save it under /etc/bash_completion.d/fleet)",
            "zsh:  source <(fleet completion zsh)    (in ~/.zshrc; it loads bashcompinit itself)"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:The script is on stdout.",
            "1:Usage: a shell other than bash or zsh.",
        })
public class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** bash's script serves zsh too: it loads zsh's bashcompinit when zsh sources it. */
    @Parameters(index = "0", arity = "0..1", paramLabel = "SHELL", defaultValue = "bash",
            description = "bash (default) or zsh.")
    String shell;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new ParameterException(spec.commandLine(), "fleet completion: no script for '" + shell
                    + "': bash or zsh");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(AutoComplete.bash("fleet", spec.root().commandLine()));
        out.flush();
        return ExitCodes.SUCCESS;
    }
}
