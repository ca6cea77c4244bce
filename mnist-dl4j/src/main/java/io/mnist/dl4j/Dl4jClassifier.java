package io.mnist.dl4j;

import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkWeights;
import io.mnist.api.model.CorruptModelFileException;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.spi.AbstractDigitClassifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained network on DL4J. {@code MultiLayerNetwork.output} is not thread-safe, so each concurrent call borrows
 * a network of its own from a pool; every pooled network shares one read-only parameter array, so a pool of any
 * size costs one copy of the weights. Inputs and outputs are closed after each call, freeing their native memory.
 *
 * <p>DL4J's own temporaries inside {@code output} are freed only when the JVM collects the Java objects that hold
 * them (ND4J's design): about 10 KB per single prediction, measured. With a large heap and little Java garbage a
 * collection may not come for a long time, and resident memory grew by 450 MB over 100,000 single predictions. So
 * after every {@value #DEFAULT_GC_EVERY} images (system property {@value #GC_EVERY_PROPERTY}; 0 turns it off) the
 * classifier asks ND4J's memory manager for a collection, as DL4J's own training loop does.
 */
final class Dl4jClassifier extends AbstractDigitClassifier {
    /**
     * The model-file entry holding the flattened parameters of the channels-last (NHWC) network, layer after layer
     * in DL4J's order; a batch normalisation's are gamma, beta, moving mean and moving variance (the variance
     * itself, not DL4J's optional log10 of the standard deviation).
     */
    static final String PARAMETERS = "dl4j/parameters-nhwc.f32";
    /**
     * The entry of model files written before this backend ran images channels-last: the parameters of the same
     * network run NCHW, whose first dense layer reads its inputs in another order. Such files still load.
     */
    static final String NCHW_PARAMETERS = "dl4j/parameters.f32";
    private static final byte[] MAGIC = "MNIST-DL4J-F32\n".getBytes(StandardCharsets.US_ASCII);

    private final Dl4jNetwork network;
    private final INDArray parameters;
    private final ConcurrentLinkedDeque<Dl4jNetwork.Inference> idle = new ConcurrentLinkedDeque<>();
    /** Images predicted since the last collection this classifier asked for. */
    private final AtomicLong sinceCollection = new AtomicLong();

    /** System property: images between the collections this classifier asks for (0: never). */
    static final String GC_EVERY_PROPERTY = "mnist.dl4j.gcEveryImages";
    /** Images between collections by default: about 50 MB of DL4J temporaries. */
    static final int DEFAULT_GC_EVERY = 5_000;
    private static final int GC_EVERY = Integer.getInteger(GC_EVERY_PROPERTY, DEFAULT_GC_EVERY);

    Dl4jClassifier(ModelInfo info, Dl4jNetwork network, INDArray parameters) {
        super(info);
        this.network = network;
        this.parameters = parameters;
    }

    /** A classifier from a model file's parameters, checked against the network its manifest declares. */
    static Dl4jClassifier load(ModelArchive archive) throws CorruptModelFileException {
        ModelInfo info = archive.manifest().model();
        if (!archive.names().contains(PARAMETERS) && archive.names().contains(NCHW_PARAMETERS)) {
            Dl4jNetwork nchw = new Dl4jNetwork(info.network(), CNN2DFormat.NCHW);
            MultiLayerNetwork net = nchw.create(decode(archive, NCHW_PARAMETERS, info.network().parameterCount()));
            try {
                return fromWeights(info, nchw.weights(net));
            } finally {
                net.close();
            }
        }
        return new Dl4jClassifier(info, new Dl4jNetwork(info.network()),
                decode(archive, PARAMETERS, info.network().parameterCount()));
    }

    private static INDArray decode(ModelArchive archive, String entry, long expected)
            throws CorruptModelFileException {
        byte[] bytes = archive.entry(entry);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < MAGIC.length + 8 || !ByteBuffer.wrap(bytes, 0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))) {
            throw archive.malformed("entry " + entry + " does not start with the dl4j parameter header", null);
        }
        in.position(MAGIC.length);
        long count = in.getLong();
        if (count != expected) {
            throw archive.malformed("it holds " + count + " parameters, the network declares " + expected, null);
        }
        if (in.remaining() != count * Float.BYTES) {
            throw archive.malformed("entry " + entry + " should hold " + count + " floats in "
                    + count * Float.BYTES + " bytes but has " + in.remaining(), null);
        }
        float[] values = new float[(int) count];
        in.asFloatBuffer().get(values);
        return Nd4j.create(values, new long[] {1, count}, 'c');
    }

    /** A classifier holding {@code weights}, given in the neutral layout. */
    static Dl4jClassifier fromWeights(ModelInfo info, NetworkWeights weights) {
        if (!weights.network().equals(info.network())) {
            throw new IllegalArgumentException("The weights are for " + weights.network() + ", the model info says "
                    + info.network());
        }
        Dl4jNetwork network = new Dl4jNetwork(info.network());
        MultiLayerNetwork net = network.create((io.mnist.api.TrainingConfig) null);
        try {
            network.setWeights(net, weights);
            return new Dl4jClassifier(info, network, net.params().dup('c'));
        } finally {
            net.close();
        }
    }

    /** The parameters as a model-file entry: a header, the count, then little-endian floats. */
    static byte[] encode(INDArray parameters) {
        float[] values = parameters.dup('c').data().asFloat();
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 8 + values.length * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putLong(values.length);
        out.asFloatBuffer().put(values);
        return out.array();
    }

    @Override
    protected float[] probabilities(float[] pixels, int count) {
        Dl4jNetwork.Inference inference = borrow();
        try {
            return inference.probabilities(pixels, count, engineThreads(count));
        } finally {
            idle.push(inference);
            if (GC_EVERY > 0 && sinceCollection.addAndGet(count) >= GC_EVERY) {
                sinceCollection.set(0);
                Nd4j.getMemoryManager().invokeGc();
            }
        }
    }

    private Dl4jNetwork.Inference borrow() {
        Dl4jNetwork.Inference inference = idle.poll();
        return inference != null ? inference : network.new Inference(parameters);
    }

    @Override
    protected Map<String, byte[]> fileEntries() {
        return Map.of(PARAMETERS, encode(parameters));
    }

    @Override
    protected NetworkWeights exportWeights() {
        Dl4jNetwork.Inference inference = borrow();
        try {
            return network.weights(inference.network());
        } finally {
            idle.push(inference);
        }
    }

    @Override
    protected void release() {
        idle.clear();
        parameters.close();
    }
}
