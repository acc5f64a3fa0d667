package dev.fleet.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code fleet init} asks on a terminal for what its flags left out, and the one question it
 * never answers for itself: whether the host keys it was shown are the droplets'. Off a terminal
 * there is no one to ask, and every answer is "none".
 */
final class InitQuestions {

    private final Console console;

    private InitQuestions(Console console) {
        this.console = console;
    }

    /** Questions on the terminal, when stdin is one; else empty. */
    static Optional<InitQuestions> onTerminal() {
        Console console = System.console();
        return console != null && Terminal.isTerminal(0) ? Optional.of(new InitQuestions(console)) : Optional.empty();
    }

    /** Droplets, one NAME=HOST[:PORT] a line, until an empty line. */
    List<String> droplets(PrintWriter out) {
        out.println("The droplets, in rollout order: NAME=HOST[:PORT] (such as web-1=203.0.113.10), an empty line"
                + " to finish.");
        out.flush();
        List<String> droplets = new ArrayList<>();
        for (String line = ask("droplet: "); !line.isBlank(); line = ask("droplet: ")) {
            droplets.add(line.strip());
        }
        return droplets;
    }

    String image() {
        return ask("image, by digest (REPOSITORY@sha256:...): ").strip();
    }

    String balancer() {
        String answer = ask("balancer (haproxy, health-check or none) [haproxy]: ").strip();
        return answer.isEmpty() ? "haproxy" : answer;
    }

    /** Whether the answer to {@code question} is exactly "yes". */
    boolean yes(String question) {
        return ask(question + " (yes/no) ").strip().equals("yes");
    }

    private String ask(String prompt) {
        String line = console.readLine("%s", prompt);
        return line == null ? "" : line;
    }
}
