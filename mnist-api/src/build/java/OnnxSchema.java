import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.shade.protobuf.DescriptorProtos.DescriptorProto;
import org.nd4j.shade.protobuf.DescriptorProtos.EnumDescriptorProto;
import org.nd4j.shade.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import org.nd4j.shade.protobuf.DescriptorProtos.FieldDescriptorProto;
import org.nd4j.shade.protobuf.DescriptorProtos.FileDescriptorProto;

/**
 * Build step of mnist-api (run by exec-maven-plugin in generate-sources, never shipped): writes ONNX's
 * {@code onnx.proto} for protoc (the protobuf-maven-plugin) to generate mnist-api's ONNX classes from.
 *
 * <p>ONNX publishes no Java artifact, and no artifact on Maven Central that this build can reach ships the
 * {@code .proto} text; ND4J's {@code nd4j-api} ships the classes protoc generated from ONNX's {@code onnx.proto}
 * (class {@code onnx.Onnx}), and generated classes embed their source file as a descriptor. This program prints
 * that descriptor back as {@code .proto} text: every message, enum, field (name, number, type, label), oneof,
 * reserved range and option ONNX wrote, comments aside. The only change is where Java puts the classes: our own
 * package and outer class, so that they never collide with ND4J's {@code onnx} package on one class path.
 *
 * <p>Usage: {@code java -cp nd4j-api.jar:nd4j-protobuf.jar OnnxSchema.java OUTPUT_FILE JAVA_PACKAGE}
 */
public final class OnnxSchema {
    private OnnxSchema() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: OnnxSchema OUTPUT_FILE JAVA_PACKAGE");
        }
        Path output = Path.of(args[0]);
        FileDescriptorProto schema = onnx.Onnx.getDescriptor().toProto();
        if (!schema.getName().equals("onnx.proto") || !schema.getPackage().equals("onnx")
                || schema.getDependencyCount() != 0 || !schema.getSyntax().equals("proto3")
                || schema.getServiceCount() != 0 || schema.getExtensionCount() != 0) {
            throw new IllegalStateException("Expected ONNX's self-contained proto3 onnx.proto in package onnx, found "
                    + schema.getName() + " (" + schema.getSyntax() + ") in package " + schema.getPackage()
                    + " importing " + schema.getDependencyList());
        }
        StringBuilder out = new StringBuilder();
        out.append("// ONNX's onnx.proto (").append(schema.getMessageTypeCount())
                .append(" messages), printed by mnist-api's build from the descriptor in ND4J's nd4j-api;")
                .append(" generated, do not edit.\n");
        out.append("syntax = \"proto3\";\n\npackage onnx;\n\n");
        out.append("option java_package = \"").append(args[1]).append("\";\n");
        out.append("option java_outer_classname = \"OnnxProtos\";\n");
        if (schema.getOptions().hasOptimizeFor()) {
            out.append("option optimize_for = ").append(schema.getOptions().getOptimizeFor().name()).append(";\n");
        }
        out.append('\n');
        for (EnumDescriptorProto e : schema.getEnumTypeList()) {
            printEnum(e, "", out);
        }
        for (DescriptorProto m : schema.getMessageTypeList()) {
            printMessage(m, "", out);
        }
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, out);
        // Silent on success, as protoc is: the build's own log says the step ran, and a quiet build (the ./mnist
        // launcher's mvn -q) shows nothing but errors.
    }

    private static void printMessage(DescriptorProto m, String indent, StringBuilder out) {
        if (m.hasOptions() && !m.getOptions().getAllFields().isEmpty()) {
            throw new IllegalStateException("message options are not printed, but " + m.getName() + " has "
                    + m.getOptions());
        }
        out.append(indent).append("message ").append(m.getName()).append(" {\n");
        String inner = indent + "  ";
        for (EnumDescriptorProto e : m.getEnumTypeList()) {
            printEnum(e, inner, out);
        }
        for (DescriptorProto nested : m.getNestedTypeList()) {
            if (nested.getOptions().getMapEntry()) {
                throw new IllegalStateException("map fields are not printed, but " + m.getName() + " has one");
            }
            printMessage(nested, inner, out);
        }
        List<Integer> oneofsPrinted = new ArrayList<>();
        for (FieldDescriptorProto f : m.getFieldList()) {
            boolean inOneof = f.hasOneofIndex() && !f.getProto3Optional();
            if (!inOneof) {
                printField(f, inner, out);
                continue;
            }
            int oneof = f.getOneofIndex();
            if (oneofsPrinted.contains(oneof)) {
                continue;
            }
            oneofsPrinted.add(oneof);
            out.append(inner).append("oneof ").append(m.getOneofDecl(oneof).getName()).append(" {\n");
            for (FieldDescriptorProto member : m.getFieldList()) {
                if (member.hasOneofIndex() && member.getOneofIndex() == oneof && !member.getProto3Optional()) {
                    printField(member, inner + "  ", out);
                }
            }
            out.append(inner).append("}\n");
        }
        for (DescriptorProto.ReservedRange r : m.getReservedRangeList()) {
            out.append(inner).append("reserved ").append(r.getStart());
            if (r.getEnd() - 1 != r.getStart()) {
                out.append(" to ").append(r.getEnd() - 1);
            }
            out.append(";\n");
        }
        for (String name : m.getReservedNameList()) {
            out.append(inner).append("reserved \"").append(name).append("\";\n");
        }
        out.append(indent).append("}\n\n");
    }

    private static void printField(FieldDescriptorProto f, String indent, StringBuilder out) {
        out.append(indent);
        if (f.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED) {
            out.append("repeated ");
        } else if (f.getProto3Optional()) {
            out.append("optional ");
        }
        out.append(switch (f.getType()) {
            case TYPE_MESSAGE, TYPE_ENUM -> f.getTypeName();
            case TYPE_GROUP -> throw new IllegalStateException("groups do not exist in proto3: " + f.getName());
            default -> f.getType().name().substring("TYPE_".length()).toLowerCase(java.util.Locale.ROOT);
        });
        out.append(' ').append(f.getName()).append(" = ").append(f.getNumber());
        List<String> options = new ArrayList<>();
        if (f.getOptions().hasPacked()) {
            options.add("packed = " + f.getOptions().getPacked());
        }
        if (f.getOptions().hasDeprecated()) {
            options.add("deprecated = " + f.getOptions().getDeprecated());
        }
        if (!options.isEmpty()) {
            out.append(" [").append(String.join(", ", options)).append(']');
        }
        out.append(";\n");
    }

    private static void printEnum(EnumDescriptorProto e, String indent, StringBuilder out) {
        out.append(indent).append("enum ").append(e.getName()).append(" {\n");
        if (e.getOptions().hasAllowAlias()) {
            out.append(indent).append("  option allow_alias = ").append(e.getOptions().getAllowAlias()).append(";\n");
        }
        for (EnumValueDescriptorProto v : e.getValueList()) {
            out.append(indent).append("  ").append(v.getName()).append(" = ").append(v.getNumber()).append(";\n");
        }
        out.append(indent).append("}\n\n");
    }
}
