package io.mnist.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.mnist.api.DigitClassifier;
import io.mnist.api.DigitClassifiers;
import io.mnist.api.DigitImage;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import io.mnist.api.Prediction;
import io.mnist.api.TrainingConfig;
import io.mnist.api.model.ModelFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The DL4J network is built from the spec and moves weights to and from the neutral layout without loss. */
class Dl4jNetworkTest {

    @Test
    void buildsTheSeedNetworkWithTheSpecsParameterCount() {
        MultiLayerNetwork net = new Dl4jNetwork(NetworkSpec.seed()).create(TrainingConfig.builder().build());
        assertThat(net.numParams()).isEqualTo(1_199_882L);
    }

    @Test
    void convolutionsRunOnOneDnnNotOnDl4jsIm2col() {
        MultiLayerNetwork net = new Dl4jNetwork(NetworkSpec.seed()).create(TrainingConfig.builder().build());
        assertThat(Dl4jNetwork.usesOneDnn(net)).as("the oneDNN helper on the convolution layers (ND4J's %s"
                + " natives)", System.getProperty(Dl4jRuntime.EXTENSION_PROPERTY)).isTrue();
    }

    @Test
    void openMpThreadsSleepWhenIdleUnlessTheEnvironmentSaysOtherwise() {
        Dl4jRuntime.check();
        String chosen = System.getenv(Dl4jRuntime.WAIT_POLICY);
        assertThat(Dl4jRuntime.nativeEnvironment(Dl4jRuntime.WAIT_POLICY))
                .as("OMP_WAIT_POLICY as ND4J's natives read it").isEqualTo(chosen != null ? chosen : "PASSIVE");
    }

    @Test
    void namesThisPlatformAsJavaCppDoes() {
        Dl4jRuntime.check(); // JavaCPP's classes load only after the runtime has set JavaCPP's properties
        assertThat(Dl4jRuntime.platform()).isEqualTo(org.bytedeco.javacpp.Loader.getPlatform());
    }

    @Test
    void javaCppDoesNotReadResidentMemoryOnEveryAllocationUnlessAsked() {
        Dl4jRuntime.check();
        assertThat(org.bytedeco.javacpp.Pointer.maxPhysicalBytes()).as("JavaCPP's resident memory limit (0: none)")
                .isEqualTo(Long.parseLong(System.getProperty(Dl4jRuntime.MAX_PHYSICAL_BYTES)));
        assertThat(System.getProperty(Dl4jRuntime.MAX_PHYSICAL_BYTES)).isEqualTo("0");
    }

    /**
     * A few images run on the calling thread alone (OpenMP's limit is 1 inside), the thread's own limit comes back
     * afterwards, and the answer is the one the same images get inside a full batch: also for a single image, whose
     * dense layers run as matrix-vector products outside DL4J's layers, for both bundled network shapes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"seed", "compact"})
    void smallBatchesRunOnTheCallingThreadAloneAndGiveTheBatchedAnswer(String shape) throws Exception {
        Dl4jRuntime.check();
        var ops = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps();
        int before = ops.ompGetMaxThreads();
        assertThat(Dl4jNetwork.onThreads(1, ops::ompGetMaxThreads)).isEqualTo(1);
        assertThat(Dl4jNetwork.onThreads(0, ops::ompGetMaxThreads)).isEqualTo(before);
        assertThat(ops.ompGetMaxThreads()).as("the caller's limit, restored").isEqualTo(before);

        NetworkSpec spec = shape.equals("seed") ? NetworkSpec.seed() : NetworkSpec.compact();
        Dl4jNetwork network = new Dl4jNetwork(spec);
        MultiLayerNetwork net = network.create(TrainingConfig.builder().build());
        NetworkWeights weights = NetworkWeights.initial(spec, 3);
        SplittableRandom random = new SplittableRandom(9);
        for (NetworkWeights.Tensor t : weights.tensors()) {
            if (t.shape().length == 1) { // biases start at zero: give them values, so that they count
                for (int i = 0; i < t.values().length; i++) {
                    t.values()[i] = (float) random.nextDouble(-0.2, 0.2);
                }
            }
        }
        network.setWeights(net, weights);
        int batch = 16;
        float[] pixels = new float[batch * DigitImage.PIXELS];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        Dl4jNetwork.Inference inference = network.new Inference(net.params());
        float[] all = inference.probabilities(pixels, batch, 0);
        for (int image = 0; image < 3; image++) {
            float[] one = inference.probabilities(java.util.Arrays.copyOfRange(pixels, image * DigitImage.PIXELS,
                    (image + 1) * DigitImage.PIXELS), 1, 1);
            assertThat(one).hasSize(10);
            for (int d = 0; d < 10; d++) {
                assertThat(one[d]).as("image %d, digit %d", image, d).isCloseTo(all[image * 10 + d],
                        org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
        assertThat(ops.ompGetMaxThreads()).isEqualTo(before);
    }

    /**
     * Model files written while the backend ran NCHW hold the first dense layer's rows in channels-first order;
     * they must load into today's NHWC network and predict exactly what the same weights predict.
     */
    @Test
    void loadsModelFilesWrittenByTheChannelsFirstBackend(@TempDir Path dir) throws Exception {
        NetworkSpec spec = NetworkSpec.seed();
        NetworkWeights weights = NetworkWeights.initial(spec, 11);
        Dl4jNetwork nchw = new Dl4jNetwork(spec, CNN2DFormat.NCHW);
        MultiLayerNetwork old = nchw.create(TrainingConfig.builder().build());
        nchw.setWeights(old, weights);
        ModelInfo info = new ModelInfo("dl4j", Dl4jRuntime.version(), spec, spec.parameterCount(),
                TrainingConfig.defaults(), List.of(), null, null);
        Path file = dir.resolve("nchw.mnist");
        ModelFile.write(file, info, Map.of(Dl4jClassifier.NCHW_PARAMETERS, Dl4jClassifier.encode(old.params())));

        SplittableRandom random = new SplittableRandom(5);
        float[] pixels = new float[DigitImage.PIXELS];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        DigitImage image = DigitImage.of(pixels);
        try (DigitClassifier loaded = DigitClassifiers.load(file);
             DigitClassifier fresh = new Dl4jBackend().fromWeights(info, weights)) {
            Prediction a = loaded.predict(image);
            Prediction b = fresh.predict(image);
            for (int d = 0; d < 10; d++) {
                assertThat(a.probability(d)).as("digit %d", d).isCloseTo(b.probability(d),
                        org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
    }

    @Test
    void dropoutKeepsOneMinusKerasRate() {
        MultiLayerNetwork net = new Dl4jNetwork(NetworkSpec.seed()).create(TrainingConfig.builder().build());
        var dropouts = java.util.Arrays.stream(net.getLayerWiseConfigurations().getConfs().toArray())
                .map(c -> ((org.deeplearning4j.nn.conf.NeuralNetConfiguration) c).getLayer())
                .filter(DropoutLayer.class::isInstance)
                .map(l -> ((org.deeplearning4j.nn.conf.dropout.Dropout) ((DropoutLayer) l).getIDropout()).getP())
                .toList();
        assertThat(dropouts).as("DL4J's retain probabilities for Keras rates 0.25 and 0.5").containsExactly(0.75, 0.5);
    }

    @Test
    void neutralWeightsSurviveTheRoundTripThroughDl4jsLayout() {
        NetworkWeights initial = NetworkWeights.initial(NetworkSpec.seed(), 7);
        Dl4jNetwork network = new Dl4jNetwork(NetworkSpec.seed());
        MultiLayerNetwork net = network.create(TrainingConfig.builder().build());
        network.setWeights(net, initial);
        assertThat(network.weights(net)).isEqualTo(initial);
    }
}
