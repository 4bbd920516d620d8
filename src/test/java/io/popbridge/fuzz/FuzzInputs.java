package io.popbridge.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Generators shared by the decoder fuzz properties: raw bytes, protocol-token soup, split points. */
public final class FuzzInputs {

    private FuzzInputs() {
    }

    /** Random octets, biased towards line ends so that framing code is exercised. */
    public static Arbitrary<byte[]> rawBytes(int maxLength) {
        Arbitrary<Byte> octet = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.bytes()),
                net.jqwik.api.Tuple.of(1, Arbitraries.of((byte) '\r', (byte) '\n')));
        return octet.list().ofMaxSize(maxLength).map(FuzzInputs::toArray);
    }

    /** Concatenations of protocol-looking tokens: reaches deep grammar states random bytes rarely hit. */
    public static Arbitrary<byte[]> tokenSoup(List<String> tokens, int maxTokens) {
        return Arbitraries.oneOf(Arbitraries.of(tokens), Arbitraries.strings().ofMaxLength(4),
                        Arbitraries.integers().between(0, 70).map(String::valueOf))
                .list().ofMaxSize(maxTokens)
                .map(parts -> String.join("", parts).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /** Ascending split offsets (values are taken modulo the input length + 1). */
    public static Arbitrary<List<Integer>> splits() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMaxSize(12);
    }

    /** The input cut at the given points into consecutive pieces (empty pieces dropped). */
    public static List<byte[]> pieces(byte[] input, List<Integer> splits) {
        TreeSet<Integer> points = new TreeSet<>();
        for (int s : splits) {
            points.add(s % (input.length + 1));
        }
        points.add(input.length);
        List<byte[]> pieces = new ArrayList<>();
        int from = 0;
        for (int to : points) {
            if (to > from) {
                pieces.add(java.util.Arrays.copyOfRange(input, from, to));
            }
            from = to;
        }
        return pieces;
    }

    private static byte[] toArray(List<Byte> bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.size());
        for (byte b : bytes) {
            out.write(b);
        }
        return out.toByteArray();
    }
}
