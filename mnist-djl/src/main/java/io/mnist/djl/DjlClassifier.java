package io.mnist.djl;

import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkWeights;
import io.mnist.api.model.CorruptModelFileException;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.spi.AbstractDigitClassifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A trained network on DJL's PyTorch engine. Parameters never require gradients here, so inference builds no
 * autograd graph on any thread. Each call runs in its own sub-manager that frees every array it made, and with its
 * own parameter store; the block itself holds no per-call state, so calls run in parallel. Each call computes on
 * as many libtorch threads as {@link #engineThreads} says: a single image on the calling thread alone.
 */
final class DjlClassifier extends AbstractDigitClassifier {
    /** The model-file entry holding DJL's parameter stream. */
    static final String PARAMETERS = "djl/parameters";

    private final NDManager manager;
    private final DjlNetwork network;

    private DjlClassifier(ModelInfo info, NDManager manager, DjlNetwork network) {
        super(info);
        this.manager = manager;
        this.network = network;
    }

    /** A classifier from a model file's DJL parameters. */
    static DjlClassifier load(ModelArchive archive) throws CorruptModelFileException {
        byte[] bytes = archive.entry(PARAMETERS);
        try {
            return fromParameters(archive.manifest().model(), bytes);
        } catch (IOException | MalformedModelException | EngineException | IllegalArgumentException
                 | IllegalStateException | IndexOutOfBoundsException e) {
            throw archive.malformed(String.valueOf(e.getMessage()), e);
        }
    }

    /** A classifier from DJL's parameter stream, checked against the network {@code info} declares. */
    static DjlClassifier fromParameters(ModelInfo info, byte[] parameters)
            throws IOException, MalformedModelException {
        NDManager manager = DjlEngine.get().newBaseManager();
        try {
            DjlNetwork network = new DjlNetwork(info.network());
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
                network.loadParameters(manager, in);
                if (in.read() != -1) {
                    throw new MalformedModelException("trailing bytes after the parameters");
                }
            }
            network.block().getParameters().values().forEach(p -> p.getArray().setRequiresGradient(false));
            return new DjlClassifier(info, manager, network);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** A classifier holding {@code weights}, given in the neutral layout. */
    static DjlClassifier fromWeights(ModelInfo info, NetworkWeights weights) {
        if (!weights.network().equals(info.network())) {
            throw new IllegalArgumentException("The weights are for " + weights.network() + ", the model info says "
                    + info.network());
        }
        NDManager manager = DjlEngine.get().newBaseManager();
        try {
            DjlNetwork network = new DjlNetwork(info.network());
            network.initialize(manager);
            network.setWeights(weights);
            network.block().getParameters().values().forEach(p -> p.getArray().setRequiresGradient(false));
            return new DjlClassifier(info, manager, network);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** DJL's parameter stream for {@code network}. */
    static byte[] parameters(DjlNetwork network) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(5 << 20);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            network.saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    protected float[] probabilities(float[] pixels, int count) {
        return DjlEngine.onThreads(engineThreads(count), () -> network.probabilities(manager, pixels, count));
    }

    @Override
    protected Map<String, byte[]> fileEntries() {
        return Map.of(PARAMETERS, parameters(network));
    }

    @Override
    protected NetworkWeights exportWeights() {
        return network.weights();
    }

    @Override
    protected void release() {
        manager.close();
    }
}
