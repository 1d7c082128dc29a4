package com.adventive.billing.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * The only door to invoice storage: an S3-compatible bucket (R2 in production, path-style) when
 * BUCKET_ENDPOINT is set, otherwise a folder on disk (BUCKET_DIR) for the embedded default.
 */
@ApplicationScoped
public class BucketGateway {

    /**
     * Keys are {acct_id}/{inv_uuid}.pdf, or {acct_id}/{inv_uuid}.v{n}.pdf for a later version of it;
     * nothing else may reach the bucket or the disk.
     */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}/[A-Za-z0-9-]{1,64}(\\.v[1-9][0-9]{0,3})?\\.pdf");

    @Inject
    Settings settings;

    private final AtomicReference<CachedClient> cached = new AtomicReference<>();

    private record S3Settings(String endpoint, String region, String bucket, String keyId, String secret) {
    }

    private record CachedClient(S3Settings settings, S3Client client) {
    }

    public void put(String key, byte[] bytes, String contentType) {
        checkKey(key);
        Optional<S3Settings> s3 = s3Settings();
        if (s3.isPresent()) {
            client(s3.get()).putObject(b -> b.bucket(s3.get().bucket()).key(key).contentType(contentType)
                    .contentLength((long) bytes.length), RequestBody.fromBytes(bytes));
            return;
        }
        writeFile(key, bytes);
    }

    public Optional<byte[]> get(String key) {
        checkKey(key);
        Optional<S3Settings> s3 = s3Settings();
        if (s3.isPresent()) {
            try {
                ResponseBytes<GetObjectResponse> object =
                        client(s3.get()).getObjectAsBytes(b -> b.bucket(s3.get().bucket()).key(key));
                return Optional.of(object.asByteArray());
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        }
        Path file = directory().resolve(key);
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Proves the bucket (or folder) is reachable; throws with the reason when it is not. */
    public String probe() {
        Optional<S3Settings> s3 = s3Settings();
        if (s3.isPresent()) {
            client(s3.get()).headBucket(HeadBucketRequest.builder().bucket(s3.get().bucket()).build());
            return "s3:" + s3.get().bucket();
        }
        Path dir = directory();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalStateException("bucket folder is not writable");
        }
        return "dir";
    }

    private void writeFile(String key, byte[] bytes) {
        Path file = directory().resolve(key);
        try {
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), ".upload", ".tmp");
            Files.write(temp, bytes);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path directory() {
        return Path.of(settings.bucketDir()).toAbsolutePath();
    }

    private Optional<S3Settings> s3Settings() {
        Optional<String> endpoint = settings.bucketEndpoint();
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new S3Settings(endpoint.get(), settings.bucketRegion(), settings.bucketName(),
                settings.bucketAccessKeyId(), settings.bucketSecretAccessKey()));
    }

    private S3Client client(S3Settings s3) {
        CachedClient current = cached.get();
        if (current != null && Objects.equals(current.settings(), s3)) {
            return current.client();
        }
        S3Client client = S3Client.builder()
                .endpointOverride(URI.create(s3.endpoint()))
                .region(Region.of(s3.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.keyId(), s3.secret())))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(60)))
                .build();
        CachedClient previous = cached.getAndSet(new CachedClient(s3, client));
        if (previous != null) {
            previous.client().close();
        }
        return client;
    }

    private static void checkKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("refusing an object key outside {acct_id}/{inv_uuid}[.v{n}].pdf");
        }
    }
}
