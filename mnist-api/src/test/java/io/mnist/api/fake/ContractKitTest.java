package io.mnist.api.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.mnist.api.contract.DigitBackendContract;
import io.mnist.api.spi.DigitBackend;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The contract kit catches backends that break its rules: each broken fake fails exactly the rule it breaks, and
 * passes the rest.
 */
class ContractKitTest {

    static List<Arguments> brokenBackends() {
        return List.of(
                Arguments.of(MiscountsParametersContract.class, "seedNetworkHasTheSeedParameterCount"),
                Arguments.of(ForgetfulContract.class, "twoEpochsOfTheSeedRecipeReachTheAccuracyFloor"),
                Arguments.of(LossySaveContract.class, "saveThenLoadGivesTheSameProbabilities,"
                        + "theTrainerFitsANotADigitDetectorThatSurvivesSaveAndLoad"),
                Arguments.of(RacyContract.class, "predictionsFromEightThreadsMatchOneThread"),
                Arguments.of(IgnoresCloseContract.class, "useAfterCloseFailsClearly"),
                Arguments.of(LeakyContract.class, "residentMemoryStaysFlatOverManySinglePredictions"),
                Arguments.of(TrustsAnyWeightsContract.class, "rejectsWeightsThatDoNotFitTheNetworkInTheManifest,"
                        + "rejectsWeightsThatAreCutShortEvenWithMatchingDigests"));
    }

    @ParameterizedTest(name = "{0} fails {1}")
    @org.junit.jupiter.params.provider.MethodSource("brokenBackends")
    void failsTheBackendThatBreaksARule(Class<? extends DigitBackendContract> contract, String rule) {
        List<Event> failures = EngineTestKit.engine("junit-jupiter").selectors(selectClass(contract)).execute()
                .testEvents().failed().list();
        List<String> failed = failures.stream()
                .map(e -> ((org.junit.platform.engine.support.descriptor.MethodSource) e.getTestDescriptor().getSource().orElseThrow()).getMethodName())
                .toList();
        assertThat(failed).as("rules failed by %s: %s", contract.getSimpleName(), failures.stream()
                .map(e -> e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                        .map(Throwable::getMessage).orElse("?")).toList())
                .containsExactlyInAnyOrder(rule.split(","));
    }

    /** The fake's contract run (same probe size, same opt-outs) against a broken variant of the fake. */
    abstract static class BrokenContract extends FakeBackendContractTest {
        private final Supplier<DigitBackend> backend;

        BrokenContract(Supplier<DigitBackend> backend) {
            this.backend = backend;
        }

        @Override
        protected DigitBackend backend() {
            return backend.get();
        }
    }

    static class LeakyContract extends BrokenContract {
        LeakyContract() {
            super(BrokenBackends.Leaky::new);
        }
    }

    static class MiscountsParametersContract extends BrokenContract {
        MiscountsParametersContract() {
            super(BrokenBackends.MiscountsParameters::new);
        }
    }

    static class ForgetfulContract extends BrokenContract {
        ForgetfulContract() {
            super(BrokenBackends.Forgetful::new);
        }
    }

    static class LossySaveContract extends BrokenContract {
        LossySaveContract() {
            super(BrokenBackends.LossySave::new);
        }
    }

    static class RacyContract extends BrokenContract {
        RacyContract() {
            super(BrokenBackends.Racy::new);
        }
    }

    static class IgnoresCloseContract extends BrokenContract {
        IgnoresCloseContract() {
            super(BrokenBackends.IgnoresClose::new);
        }
    }

    static class TrustsAnyWeightsContract extends BrokenContract {
        TrustsAnyWeightsContract() {
            super(BrokenBackends.TrustsAnyWeights::new);
        }
    }
}
