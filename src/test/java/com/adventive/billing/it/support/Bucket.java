package com.adventive.billing.it.support;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;
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
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The S3-compatible bucket (s3proxy) the worker stores PDFs in, and an S3 client to look inside it.
 *
 * <p>s3proxy serves a jclouds <em>filesystem</em> blobstore rather than the transient one: the
 * transient store lives in the proxy's memory and a restart would empty it, while tests that take
 * the bucket down ({@link #stop()}) and bring it back ({@link #start()}) need the objects to survive.
 */
public final class Bucket {

    public static final String NAME = "invoices";
    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY_ID = "test-access";
    public static final String SECRET_ACCESS_KEY = "test-secret";

    private final BlobStoreContext blobStore;
    private final int port;
    private final S3Client client;
    private S3Proxy proxy;

    private Bucket(BlobStoreContext blobStore, S3Proxy proxy) {
        this.blobStore = blobStore;
        this.proxy = proxy;
        this.port = proxy.getPort();
        this.client = S3Client.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
                .forcePathStyle(true)
                // s3proxy (like R2) does not speak the SDK's newer default CRC checksums.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** {@code port} 0: s3proxy picks one. Every later start reuses the port the worker was configured with. */
    static Bucket launch(Path dataDir, int port) {
        Properties properties = new Properties();
        properties.setProperty(FilesystemConstants.PROPERTY_BASEDIR, dataDir.toString());
        BlobStoreContext blobStore = ContextBuilder.newBuilder("filesystem")
                .overrides(properties)
                .build(BlobStoreContext.class);
        Bucket bucket = new Bucket(blobStore, startProxy(blobStore, port));
        bucket.client.createBucket(b -> b.bucket(NAME));
        return bucket;
    }

    private static S3Proxy startProxy(BlobStoreContext blobStore, int port) {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY_ID, SECRET_ACCESS_KEY)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not start on port " + port, e);
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy stuck in state " + proxy.getState());
            }
            Await.sleep(10);
        }
        return proxy;
    }

    /** What the worker is configured with as {@code BUCKET_ENDPOINT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public S3Client client() {
        return client;
    }

    public Optional<byte[]> get(String key) {
        try {
            ResponseBytes<GetObjectResponse> bytes = client.getObjectAsBytes(b -> b.bucket(NAME).key(key));
            return Optional.of(bytes.asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /** The object's metadata (content type, length, user metadata) without its body. */
    public Optional<HeadObjectResponse> head(String key) {
        try {
            return Optional.of(client.headObject(b -> b.bucket(NAME).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    public void put(String key, byte[] content, String contentType, Map<String, String> metadata) {
        client.putObject(b -> b.bucket(NAME).key(key).contentType(contentType).metadata(metadata),
                RequestBody.fromBytes(content));
    }

    public void delete(String key) {
        client.deleteObject(b -> b.bucket(NAME).key(key));
    }

    /** Every key in the bucket, in S3's (lexicographic) order. */
    public List<String> keys() {
        return client.listObjectsV2Paginator(b -> b.bucket(NAME)).contents().stream().map(S3Object::key).toList();
    }

    public synchronized boolean isRunning() {
        return proxy != null;
    }

    /** The bucket goes down: connections are refused until {@link #start()}. Objects are kept on disk. */
    public synchronized void stop() {
        if (proxy == null) {
            return;
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not stop", e);
        }
        proxy = null;
    }

    /** The bucket is back, same port, same objects. */
    public synchronized void start() {
        if (proxy == null) {
            proxy = startProxy(blobStore, port);
        }
    }

    synchronized void shutdown() {
        stop();
        client.close();
        blobStore.close();
    }
}
