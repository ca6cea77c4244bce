package io.mnist.onnxruntime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.mnist.api.DigitImage;
import io.mnist.api.ModelInfo;
import io.mnist.api.NetworkSpec;
import io.mnist.api.NetworkWeights;
import io.mnist.api.model.ModelArchive;
import io.mnist.api.model.ModelFileException;
import io.mnist.api.onnx.OnnxExport;
import io.mnist.api.spi.AbstractDigitClassifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A network running in one ONNX Runtime session, built from its ONNX export. Sessions run concurrent calls
 * safely, so calls are not serialised. The model file keeps the engine-neutral weights (not the ONNX bytes), so
 * the file stays readable whatever ONNX Runtime version reads it, and the session is rebuilt on load.
 */
final class OrtClassifier extends AbstractDigitClassifier {
    /** The model-file entry holding the engine-neutral weights. */
    static final String WEIGHTS = "onnxruntime/weights";

    private final NetworkWeights weights;
    private final OrtSession session;
    private final int classes;

    private OrtClassifier(ModelInfo info, NetworkWeights weights, OrtSession session) {
        super(info);
        this.weights = weights;
        this.session = session;
        this.classes = info.network().classes();
    }

    static OrtClassifier load(ModelArchive archive) throws ModelFileException {
        byte[] bytes = archive.entry(WEIGHTS);
        try {
            return fromWeights(archive.manifest().model(), readWeights(archive.manifest().model().network(), bytes));
        } catch (IOException | IllegalArgumentException e) {
            throw archive.malformed(String.valueOf(e.getMessage()), e);
        }
    }

    /**
     * A classifier holding {@code weights}.
     *
     * @throws IllegalArgumentException if the weights are not for the network {@code info} names
     * @throws IllegalStateException    if ONNX Runtime refuses the exported model (a bug, not a user error)
     */
    static OrtClassifier fromWeights(ModelInfo info, NetworkWeights weights) {
        if (!weights.network().equals(info.network())) {
            throw new IllegalArgumentException("The weights are for " + weights.network() + ", the model info says "
                    + info.network());
        }
        // The shared classifier multiplies pixels by the input scale before they reach a backend, so the session's
        // graph must not do it again.
        NetworkSpec spec = weights.network();
        NetworkWeights unscaled = new NetworkWeights(new NetworkSpec(spec.layers(), spec.initializer(), 1),
                weights.tensors());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return new OrtClassifier(info, weights, env.createSession(OnnxExport.toBytes(unscaled), options));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime refused the exported network: " + e.getMessage(), e);
        }
    }

    @Override
    protected float[] probabilities(float[] pixels, int count) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels, 0, count * DigitImage.PIXELS),
                new long[] {count, DigitImage.SIZE, DigitImage.SIZE, 1});
             OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT_NAME, input))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] probabilities = new float[count * classes];
            out.get(probabilities);
            return probabilities;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
        }
    }

    @Override
    protected Map<String, byte[]> fileEntries() throws IOException {
        return Map.of(WEIGHTS, writeWeights(weights));
    }

    @Override
    protected NetworkWeights exportWeights() {
        return weights;
    }

    @Override
    protected void release() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to close a session: " + e.getMessage(), e);
        }
    }

    /** Tensor count, then each tensor's name, rank, dimensions and float values (big-endian). */
    static byte[] writeWeights(NetworkWeights weights) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(weights.tensors().size());
            for (NetworkWeights.Tensor t : weights.tensors()) {
                out.writeUTF(t.name());
                out.writeInt(t.shape().length);
                for (int d : t.shape()) {
                    out.writeInt(d);
                }
                for (float v : t.values()) {
                    out.writeFloat(v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads what {@link #writeWeights} wrote, checked against {@code network}.
     *
     * @throws IOException              if the bytes end early or run on
     * @throws IllegalArgumentException if the tensors do not fit {@code network}
     */
    static NetworkWeights readWeights(NetworkSpec network, byte[] bytes) throws IOException {
        List<NetworkWeights.Tensor> expected = NetworkWeights.shapes(network);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int count = in.readInt();
            if (count != expected.size()) {
                throw new IllegalArgumentException("the file has " + count + " tensors, the network needs "
                        + expected.size());
            }
            List<NetworkWeights.Tensor> tensors = new ArrayList<>(count);
            for (NetworkWeights.Tensor e : expected) {
                String name = in.readUTF();
                int[] shape = new int[in.readInt()];
                if (shape.length != e.shape().length) {
                    throw new IllegalArgumentException(name + " has rank " + shape.length + ", the network needs "
                            + e.shape().length);
                }
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = in.readInt();
                }
                if (!java.util.Arrays.equals(shape, e.shape())) {
                    throw new IllegalArgumentException(name + " has shape " + java.util.Arrays.toString(shape)
                            + ", the network needs " + java.util.Arrays.toString(e.shape()));
                }
                float[] values = new float[e.values().length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = in.readFloat();
                }
                tensors.add(new NetworkWeights.Tensor(name, shape, values));
            }
            if (in.read() != -1) {
                throw new IOException("trailing bytes after the weights");
            }
            return new NetworkWeights(network, tensors);
        }
    }
}
