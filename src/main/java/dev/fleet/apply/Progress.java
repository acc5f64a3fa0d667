package dev.fleet.apply;

import dev.fleet.plan.Step;

/** Told of every step as it happens, for live progress. Preflight steps run in parallel: implementations are thread-safe. */
public interface Progress {

    void started(Step step, String description);

    void finished(StepRecord record);

    /** Something a step did that its line does not say (the images it removed), for the record. */
    default void note(String droplet, String text) {}

    Progress NONE = new Progress() {
        @Override
        public void started(Step step, String description) {}

        @Override
        public void finished(StepRecord record) {}
    };
}
