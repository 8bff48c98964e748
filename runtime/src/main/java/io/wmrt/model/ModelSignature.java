package io.wmrt.model;

import io.wmrt.config.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 signatures over a package's manifest, using only the JDK's own provider.
 * <p>
 * The manifest's {@code signature:} block is its last top-level key. What is signed is the text before that
 * block (the manifest body, which pins every graph by sha256): the signature covers
 * {@code "wmrt-model-signature-v1\n" + sha256hex(body)}. Re-signing replaces the block and never touches
 * the body, so a signature can be checked without re-serialising YAML.
 */
public final class ModelSignature
{
    public static final String ALGORITHM = "Ed25519";
    public static final String BLOCK_START = "signature:";
    private static final String DOMAIN = "wmrt-model-signature-v1\n";
    private static final String PUBLIC_PEM = "PUBLIC KEY";
    private static final String PRIVATE_PEM = "PRIVATE KEY";

    private ModelSignature()
    {
    }

    /**
     * Write a new key pair as {@code base.key} (PKCS#8, owner-readable only) and {@code base.pub} (X.509).
     *
     * @return the public key's id.
     */
    public static String generateKeyPair(final Path base) throws IOException, GeneralSecurityException
    {
        final KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        final Path privatePath = base.resolveSibling(base.getFileName() + ".key");
        final Path publicPath = base.resolveSibling(base.getFileName() + ".pub");
        if (Files.exists(privatePath) || Files.exists(publicPath))
        {
            throw new IOException("refusing to overwrite existing key " + privatePath + " or " + publicPath);
        }
        AtomicFiles.write(privatePath, pem(PRIVATE_PEM, pair.getPrivate().getEncoded()), true);
        AtomicFiles.write(publicPath, pem(PUBLIC_PEM, pair.getPublic().getEncoded()), false);
        return keyId(pair.getPublic());
    }

    public static PublicKey readPublicKey(final Path file) throws IOException, GeneralSecurityException
    {
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(unpem(file, PUBLIC_PEM)));
    }

    public static PrivateKey readPrivateKey(final Path file) throws IOException, GeneralSecurityException
    {
        return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(unpem(file, PRIVATE_PEM)));
    }

    /**
     * First 16 hex digits of the sha256 of the encoded public key.
     */
    public static String keyId(final PublicKey key)
    {
        return sha256Hex(key.getEncoded()).substring(0, 16);
    }

    /**
     * The manifest text without its signature block.
     */
    public static String body(final String manifestText)
    {
        final int at = blockStart(manifestText);
        return at < 0 ? manifestText : manifestText.substring(0, at);
    }

    /**
     * Sign the manifest in {@code packageDir} in place, replacing any earlier signature. The file is replaced
     * atomically, so a failure leaves the old manifest whole.
     *
     * @return the signing key's id.
     */
    public static String sign(final Path manifest, final Path privateKeyFile, final Path publicKeyFile)
        throws IOException, GeneralSecurityException
    {
        final PrivateKey privateKey = readPrivateKey(privateKeyFile);
        final PublicKey publicKey = readPublicKey(publicKeyFile);
        // The signed body is exactly the text written back: ending in a newline before the block.
        final String read = body(Files.readString(manifest));
        final String body = read.endsWith("\n") ? read : read + "\n";
        final Signature signer = Signature.getInstance(ALGORITHM);
        signer.initSign(privateKey);
        signer.update(signedBytes(body));
        final byte[] value = signer.sign();

        // A key pair that does not belong together would produce a package nobody can verify.
        final Signature check = Signature.getInstance(ALGORITHM);
        check.initVerify(publicKey);
        check.update(signedBytes(body));
        if (!check.verify(value))
        {
            throw new GeneralSecurityException(publicKeyFile + " is not the public half of " + privateKeyFile);
        }

        final String keyId = keyId(publicKey);
        final String text = body +
            BLOCK_START + "\n" +
            "  algorithm: " + ALGORITHM + "\n" +
            "  key_id: " + keyId + "\n" +
            "  value: " + Base64.getEncoder().encodeToString(value) + "\n";
        AtomicFiles.write(manifest, text.getBytes(StandardCharsets.UTF_8), false);
        return keyId;
    }

    /**
     * @return true when {@code signature} is a valid Ed25519 signature by {@code key} over {@code body}.
     */
    public static boolean verify(final String body, final byte[] signature, final PublicKey key)
        throws GeneralSecurityException
    {
        final Signature verifier = Signature.getInstance(ALGORITHM);
        verifier.initVerify(key);
        verifier.update(signedBytes(body));
        return verifier.verify(signature);
    }

    public static String sha256Hex(final byte[] bytes)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("SHA-256 missing from the JDK", ex);
        }
    }

    private static byte[] signedBytes(final String body)
    {
        return (DOMAIN + sha256Hex(body.getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.US_ASCII);
    }

    private static int blockStart(final String text)
    {
        if (text.startsWith(BLOCK_START))
        {
            return 0;
        }
        final int at = text.indexOf("\n" + BLOCK_START);
        return at < 0 ? -1 : at + 1;
    }

    private static byte[] pem(final String type, final byte[] der)
    {
        final String text = "-----BEGIN " + type + "-----\n" +
            Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der) + "\n" +
            "-----END " + type + "-----\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] unpem(final Path file, final String type) throws IOException
    {
        final String text = Files.readString(file, StandardCharsets.US_ASCII);
        final String begin = "-----BEGIN " + type + "-----";
        final String end = "-----END " + type + "-----";
        final int from = text.indexOf(begin);
        final int to = text.indexOf(end);
        if (from < 0 || to < from)
        {
            throw new IOException(file + ": not a PEM file holding a " + type + " (expected '" + begin + "')");
        }
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }
}
