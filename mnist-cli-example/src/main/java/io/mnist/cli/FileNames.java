package io.mnist.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * File names that are not valid UTF-8 ({@code touch $'\xff.png'}): Java decodes them to strings with U+FFFD in
 * place of the bytes it cannot read, and a path made again from such a string names no file. A {@link Path} from a
 * folder listing keeps the name's bytes, so the commands keep listed paths as paths, {@linkplain #recover recover}
 * a path given on the command line from its folder's listing, and {@linkplain #display show} such a name with its
 * bytes escaped as {@code \xFF}, which keeps CSV and JSON output valid UTF-8 and tells the files apart.
 */
final class FileNames {
    private static final char REPLACEMENT = '\uFFFD';

    private FileNames() {
    }

    /**
     * {@code path}, or, if it does not exist and a part of it was not valid UTF-8 (decoded with U+FFFD), the one
     * file in its folder whose name decodes to the same: the path with the name's real bytes.
     *
     * @throws IOException if several files in the folder decode to that name (they cannot be told apart)
     */
    static Path recover(Path path) throws IOException {
        if (path.toString().indexOf(REPLACEMENT) < 0 || Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return path;
        }
        Path current = path.getRoot();
        for (Path part : path) {
            Path next = current == null ? part : current.resolve(part);
            if (part.toString().indexOf(REPLACEMENT) >= 0 && !Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                Path folder = current == null ? Path.of("") : current;
                List<Path> matches = new ArrayList<>();
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
                    for (Path e : entries) {
                        if (e.getFileName().toString().equals(part.toString())) {
                            matches.add(e.getFileName());
                        }
                    }
                } catch (IOException e) {
                    return path;
                }
                matches.sort(java.util.Comparator.comparing(FileNames::display));
                if (matches.size() > 1) {
                    throw new IOException("the name is not valid UTF-8, and " + matches.size() + " files in "
                            + display(folder.toAbsolutePath()) + " read the same (" + String.join(", ",
                            matches.stream().map(FileNames::display).toList()) + "); name their folder instead,"
                            + " or rename them");
                }
                if (matches.isEmpty()) {
                    return path;
                }
                next = current == null ? matches.get(0) : current.resolve(matches.get(0));
            }
            current = next;
        }
        return current;
    }

    /**
     * {@code path} as text: as Java reads it, unless a byte of it is not valid UTF-8 (or not readable in the
     * system's character set), then decoded from its bytes with each byte that is not valid UTF-8 written as
     * {@code \xFF}. Relative paths stay relative.
     */
    static String display(Path path) {
        String text = path.toString();
        if (text.indexOf(REPLACEMENT) < 0 && text.indexOf('?') < 0) {
            return text;
        }
        byte[] raw = bytes(path.toAbsolutePath());
        if (raw == null) {
            return text;
        }
        String absolute = escaped(raw);
        if (!path.isAbsolute()) {
            byte[] cwd = bytes(Path.of("").toAbsolutePath());
            String prefix = cwd == null ? null : escaped(cwd);
            prefix = prefix == null ? null : prefix.endsWith("/") ? prefix : prefix + "/";
            if (prefix != null && absolute.startsWith(prefix)) {
                return absolute.substring(prefix.length());
            }
        }
        return absolute;
    }

    /** The bytes of an absolute path, from its URI (which percent-encodes them); null if it has none. */
    private static byte[] bytes(Path absolute) {
        String uri;
        try {
            uri = absolute.toUri().getRawPath();
        } catch (RuntimeException e) {
            return null;
        }
        if (uri == null) {
            return null;
        }
        if (uri.length() > 1 && uri.endsWith("/")) {
            uri = uri.substring(0, uri.length() - 1); // toUri marks a folder with a final slash
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '%' && i + 2 < uri.length()) {
                out.write(Integer.parseInt(uri.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    /** {@code raw} decoded as UTF-8, each byte that is not part of a valid sequence written as {@code \xFF}. */
    static String escaped(byte[] raw) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        CharBuffer out = CharBuffer.allocate(raw.length * 4 + 4);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isUnderflow()) {
                break;
            }
            if (result.isError()) {
                for (int k = 0; k < result.length(); k++) {
                    out.put(String.format("\\x%02X", in.get() & 0xff));
                }
            } else {
                try {
                    result.throwException();
                } catch (CharacterCodingException e) {
                    return new String(raw, StandardCharsets.UTF_8);
                }
            }
        }
        decoder.flush(out);
        return out.flip().toString();
    }
}
