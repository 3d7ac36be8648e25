package io.rigpool.gguf.write;

import io.rigpool.gguf.GgmlType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Encodes float weights into the ggml types the tiny model uses (F32, F16, Q8_0). */
public final class TensorEncoding {

    private static final int QK8_0 = 32;

    private TensorEncoding() {
    }

    public static byte[] encode(GgmlType type, float[] values) {
        return switch (type) {
            case F32 -> f32(values);
            case F16 -> f16(values);
            case Q8_0 -> q8_0(values);
            default -> throw new IllegalArgumentException("no encoder for " + type);
        };
    }

    static byte[] f32(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            out.putFloat(v);
        }
        return out.array();
    }

    static byte[] f16(float[] values) {
        ByteBuffer out = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            out.putShort(toHalf(v));
        }
        return out.array();
    }

    /** Blocks of 32: an fp16 scale d = max|x| / 127, then 32 signed bytes round(x / d), as ggml quantizes. */
    static byte[] q8_0(float[] values) {
        if (values.length % QK8_0 != 0) {
            throw new IllegalArgumentException("Q8_0 needs a multiple of 32 values, got " + values.length);
        }
        ByteBuffer out = ByteBuffer.allocate(values.length / QK8_0 * 34).order(ByteOrder.LITTLE_ENDIAN);
        for (int block = 0; block < values.length; block += QK8_0) {
            float amax = 0;
            for (int i = 0; i < QK8_0; i++) {
                amax = Math.max(amax, Math.abs(values[block + i]));
            }
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            out.putShort(toHalf(d));
            for (int i = 0; i < QK8_0; i++) {
                out.put((byte) Math.round(values[block + i] * id));
            }
        }
        return out.array();
    }

    /** IEEE 754 binary16, round to nearest even (Float.floatToFloat16 arrived only in Java 20). */
    public static short toHalf(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = ((bits >>> 23) & 0xff) - 127 + 15;
        int mantissa = bits & 0x7fffff;
        if (((bits >>> 23) & 0xff) == 0xff) {
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0));
        }
        if (exponent >= 0x1f) {
            return (short) (sign | 0x7c00);
        }
        if (exponent <= 0) {
            if (exponent < -10) {
                return (short) sign;
            }
            mantissa |= 0x800000;
            int shift = 14 - exponent;
            int half = mantissa >> shift;
            int rest = mantissa & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rest > halfway || (rest == halfway && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = sign | (exponent << 10) | (mantissa >> 13);
        int rest = mantissa & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++;
        }
        return (short) half;
    }
}
