#ifndef GAZETTE_CURL_SHIM_H
#define GAZETTE_CURL_SHIM_H

#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, so Swift cannot call them
// ("Variadic function is unavailable"). Each wrapper below fixes the type of the
// variadic argument; libcurl reads it with va_arg as exactly that type, so the
// Swift side must pick the wrapper matching the option's documented type.

/// Options taking a `long` (flags, sizes, timeouts in seconds, enum values such as CURLUSESSL_ALL).
static inline CURLcode gazette_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/// Options taking a `char *`. libcurl copies the string (since 7.17.0), so the
/// argument only has to live for the duration of the call.
static inline CURLcode gazette_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// Options taking a `void *` that libcurl keeps, such as CURLOPT_READDATA,
/// CURLOPT_DEBUGDATA and CURLOPT_ERRORBUFFER: the memory must outlive its use.
static inline CURLcode gazette_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// Options taking a `curl_off_t`, such as CURLOPT_INFILESIZE_LARGE.
static inline CURLcode gazette_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// Options taking a `struct curl_slist *`, such as CURLOPT_MAIL_RCPT. libcurl does
/// not copy the list: it must stay alive until the transfer is done or the option is reset.
static inline CURLcode gazette_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

// Callbacks: one wrapper per callback signature, each bound to its own option, so a
// function of one signature can never be installed where libcurl calls another.

/// CURLOPT_READFUNCTION: libcurl pulls the upload (the message) through it.
static inline CURLcode gazette_curl_setopt_read_function(CURL *handle, curl_read_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
}

/// CURLOPT_DEBUGFUNCTION: sees each command sent and each server reply line
/// (only while CURLOPT_VERBOSE is on).
static inline CURLcode gazette_curl_setopt_debug_function(CURL *handle, curl_debug_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, callback);
}

/// Information returned as a `long`, such as CURLINFO_RESPONSE_CODE and CURLINFO_NUM_CONNECTS.
static inline CURLcode gazette_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// The socket of the last transfer's connection (CURLINFO_ACTIVESOCKET), or CURL_SOCKET_BAD.
static inline CURLcode gazette_curl_getinfo_socket(CURL *handle, CURLINFO info, curl_socket_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
