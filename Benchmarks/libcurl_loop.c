/*
 * The transport's own ceiling: one libcurl easy handle per thread, each reusing its connection to send
 * the same message again and again (what Gazette's lanes do, without building, rendering or recording
 * anything). Used by send-throughput.sh as a second baseline.
 *
 *   cc -O2 libcurl_loop.c -o libcurl_loop -lcurl -lpthread
 *   ./libcurl_loop smtp://127.0.0.1:2525 MESSAGES CONCURRENCY message.eml
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *message;
static size_t length;
static int per_thread;
static const char *url;
static int failures;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

struct reader { size_t offset; };

static size_t read_message(char *buffer, size_t size, size_t count, void *context) {
    struct reader *reader = context;
    size_t left = length - reader->offset;
    size_t n = size * count < left ? size * count : left;
    memcpy(buffer, message + reader->offset, n);
    reader->offset += n;
    return n;
}

static void *lane(void *unused) {
    (void)unused;
    CURL *handle = curl_easy_init();
    struct curl_slist *recipients = curl_slist_append(NULL, "<reader@example.com>");
    curl_easy_setopt(handle, CURLOPT_URL, url);
    curl_easy_setopt(handle, CURLOPT_MAIL_FROM, "<digest@example.com>");
    curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, (curl_off_t)length);
    for (int i = 0; i < per_thread; i++) {
        struct reader reader = {0};
        curl_easy_setopt(handle, CURLOPT_READDATA, &reader);
        if (curl_easy_perform(handle) != CURLE_OK) {
            pthread_mutex_lock(&lock);
            failures++;
            pthread_mutex_unlock(&lock);
        }
    }
    curl_easy_cleanup(handle);
    curl_slist_free_all(recipients);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s URL MESSAGES CONCURRENCY FILE\n", argv[0]);
        return 64;
    }
    url = argv[1];
    int total = atoi(argv[2]), concurrency = atoi(argv[3]);
    FILE *file = fopen(argv[4], "rb");
    if (!file || concurrency < 1 || concurrency > 64) { perror(argv[4]); return 66; }
    fseek(file, 0, SEEK_END);
    length = (size_t)ftell(file);
    rewind(file);
    message = malloc(length);
    if (fread(message, 1, length, file) != length) { perror("read"); return 74; }
    fclose(file);
    curl_global_init(CURL_GLOBAL_ALL);
    per_thread = total / concurrency;
    pthread_t threads[64];
    for (int i = 0; i < concurrency; i++) pthread_create(&threads[i], NULL, lane, NULL);
    for (int i = 0; i < concurrency; i++) pthread_join(threads[i], NULL);
    printf("%d %d\n", per_thread * concurrency, failures);
    return failures ? 1 : 0;
}
