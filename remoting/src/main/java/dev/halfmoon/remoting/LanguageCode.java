package dev.halfmoon.remoting;

/** The sender's language, with RocketMQ's byte codes ({@code LanguageCode}). */
public enum LanguageCode {
    JAVA(0), CPP(1), DOTNET(2), PYTHON(3), DELPHI(4), ERLANG(5), RUBY(6), OTHER(7), HTTP(8), GO(9), PHP(10), OMS(11),
    RUST(12);

    private final byte code;

    LanguageCode(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** The language with this byte code; OTHER for an unknown one. */
    public static LanguageCode of(byte code) {
        for (LanguageCode l : values()) {
            if (l.code == code) {
                return l;
            }
        }
        return OTHER;
    }

    /** The language with this name; OTHER for an unknown one. */
    public static LanguageCode named(String name) {
        for (LanguageCode l : values()) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        return OTHER;
    }
}
