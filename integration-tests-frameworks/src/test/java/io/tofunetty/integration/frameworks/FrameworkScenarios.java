package io.tofunetty.integration.frameworks;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

/**
 * What every framework's scenarios share: where the class expects the adapter to run, checked before anything runs,
 * the stacks each scenario is parameterised over, and the captured log the scenarios assert on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FrameworkScenarios {
    static {
        Logs.capture();
    }

    final AdapterRuns runs;

    FrameworkScenarios(AdapterRuns runs) {
        this.runs = runs;
    }

    @BeforeAll
    void theAdapterRunsWhereThisClassExpects() {
        runs.assertThisJvmMatches();
    }

    /** The {@code @MethodSource} of every scenario. */
    List<Stack> stacks() {
        return runs.stacks();
    }
}
