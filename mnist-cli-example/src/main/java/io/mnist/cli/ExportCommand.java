package io.mnist.cli;

import io.mnist.api.DigitClassifier;
import io.mnist.api.onnx.OnnxExport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mnist export --onnx FILE}: writes a model (the bundled one by default) as an ONNX file that ONNX Runtime
 * and other ONNX consumers run without this program.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a model as an ONNX file (opset " + OnnxExport.OPSET + "): input '" + OnnxExport.INPUT_NAME
                + "' float [N,28,28,1] in [0,1], white digit on black; output '" + OnnxExport.OUTPUT_NAME
                + "' float [N,classes] softmax.")
final class ExportCommand extends Subcommand {
    @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "ONNX file to write.")
    Path onnx;
    @Option(names = "--model", paramLabel = "FILE", description = "Model file (default: the backend's bundled model).")
    Path model;
    @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        Map<String, Object> m = new LinkedHashMap<>();
        try (DigitClassifier classifier = cli.model(model)) {
            classifier.exportOnnx(onnx);
            m.put("model", model == null ? "bundled model" : model.toString());
            m.put("backend", classifier.info().backend());
            m.put("onnx", onnx.toString());
            m.put("bytes", Files.size(onnx));
            m.put("opset", OnnxExport.OPSET);
            m.put("input", OnnxExport.INPUT_NAME);
            m.put("output", OnnxExport.OUTPUT_NAME);
            m.put("classes", classifier.info().network().classes());
        }
        if (format == Format.json) {
            Json.print(out, m);
        } else {
            out.printf(Locale.ROOT, "Exported %s (%s) to %s (%,d bytes, ONNX opset %d).%nInput '%s': float"
                    + " [N,28,28,1], pixels in [0,1], white digit on black. Output '%s': float [N,%d] softmax"
                    + " probabilities.%n", m.get("model"), m.get("backend"), onnx, m.get("bytes"), OnnxExport.OPSET,
                    OnnxExport.INPUT_NAME, OnnxExport.OUTPUT_NAME, m.get("classes"));
            out.flush();
        }
        return 0;
    }
}
