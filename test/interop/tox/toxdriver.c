/* toxdriver: c-toxcore (Debian's libtoxcore, GPL-3.0) driven by JSON lines, so the Tox interop
 * tests can put a real toxcore client beside tonari. A separate test program: it is never
 * linked into tonari.
 *
 *   toxdriver [--profile FILE] [--port P] [--bootstrap HOST:PORT:KEY]... [--no-udp]
 *             [--tcp-relay HOST:PORT:KEY]... [--relay-port Q] [--name NAME] [--downloads DIR]
 *
 * Commands, one JSON object per line on stdin:
 *   {"cmd":"add","id":TOXID,"message":TEXT}      {"cmd":"accept","public_key":HEX}
 *   {"cmd":"msg","friend":N,"text":TEXT}          {"cmd":"action","friend":N,"text":TEXT}
 *   {"cmd":"name","name":TEXT}                    {"cmd":"status_message","text":TEXT}
 *   {"cmd":"send_file","friend":N,"path":PATH}    {"cmd":"save"}   {"cmd":"quit"}
 *   {"cmd":"typing","friend":N,"typing":true|false}
 *   {"cmd":"offer","friend":N,"size":BYTES,"name":NAME}  (an offer with no file behind it)
 * Events, one JSON object per line on stdout: ready, self_connection, friend_request,
 * friend_added, friend_connection, message, receipt, sent, friend_name, friend_status_message, friend_typing,
 * file_offer, file_done, file_sent, saved, error. Incoming files are accepted at once and written
 * to --downloads; file_done carries their size and SHA-256. The profile is saved on quit.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include <sodium.h>
#include <tox/tox.h>

#define MAX_LINE 65536
#define MAX_FILES 16

static Tox *g_tox;
static const char *g_profile;
static const char *g_downloads = ".";
static bool g_quit;

struct incoming {
    bool used;
    uint32_t friend_number, file_number;
    uint64_t size, received;
    FILE *out;
    crypto_hash_sha256_state sha;
    char name[256];
};
struct outgoing {
    bool used;
    uint32_t friend_number, file_number;
    FILE *in;
    uint64_t size;
};
static struct incoming g_in[MAX_FILES];
static struct outgoing g_out[MAX_FILES];

/* ---- output ---- */

static void put_json_string(const uint8_t *s, size_t n) {
    putchar('"');
    for (size_t i = 0; i < n; ++i) {
        const uint8_t c = s[i];
        if (c == '"' || c == '\\') {
            printf("\\%c", c);
        } else if (c < 0x20) {
            printf("\\u%04x", c);
        } else {
            putchar(c);
        }
    }
    putchar('"');
}

static void put_hex(const uint8_t *b, size_t n) {
    putchar('"');
    for (size_t i = 0; i < n; ++i) printf("%02X", b[i]);
    putchar('"');
}

static const char *connection_name(Tox_Connection c) {
    return c == TOX_CONNECTION_UDP ? "udp" : c == TOX_CONNECTION_TCP ? "tcp" : "none";
}

static void error_event(const char *fmt, ...) {
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    printf("{\"event\":\"error\",\"text\":");
    put_json_string((const uint8_t *)text, strlen(text));
    printf("}\n");
    fflush(stdout);
}

/* ---- a flat JSON object's fields (what the tests send; no nesting) ---- */

static const char *find_value(const char *line, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\"", key);
    const char *p = strstr(line, pattern);
    if (!p) return NULL;
    p += strlen(pattern);
    while (*p == ' ' || *p == ':') ++p;
    return p;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The string value of `key`, unescaped (\uXXXX below 0x80 and \" \\ \n \t), or -1. */
static long get_string(const char *line, const char *key, char *out, size_t cap) {
    const char *p = find_value(line, key);
    if (!p || *p != '"') return -1;
    ++p;
    size_t n = 0;
    while (*p && *p != '"' && n + 1 < cap) {
        char c = *p++;
        if (c == '\\') {
            c = *p++;
            if (c == 'n') c = '\n';
            else if (c == 't') c = '\t';
            else if (c == 'u') {
                int v = 0;
                for (int i = 0; i < 4; ++i) v = v * 16 + hex_value(*p++);
                c = (char)v;
            }
        }
        out[n++] = c;
    }
    out[n] = 0;
    return (long)n;
}

static long get_int(const char *line, const char *key) {
    const char *p = find_value(line, key);
    return p ? strtol(p, NULL, 10) : -1;
}

static bool parse_hex(const char *hex, uint8_t *out, size_t n) {
    if (strlen(hex) != 2 * n) return false;
    for (size_t i = 0; i < n; ++i) {
        const int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = (uint8_t)(hi * 16 + lo);
    }
    return true;
}

/* HOST:PORT:KEY */
static bool parse_node(const char *text, char *host, size_t host_cap, uint16_t *port, uint8_t *key) {
    const char *last = strrchr(text, ':');
    if (!last || last == text) return false;
    const char *mid = last - 1;
    while (mid > text && *mid != ':') --mid;
    if (mid == text || (size_t)(mid - text) >= host_cap) return false;
    memcpy(host, text, (size_t)(mid - text));
    host[mid - text] = 0;
    *port = (uint16_t)atoi(mid + 1);
    return parse_hex(last + 1, key, TOX_PUBLIC_KEY_SIZE);
}

/* ---- profile ---- */

static void save_profile(void) {
    if (!g_profile) return;
    const size_t size = tox_get_savedata_size(g_tox);
    uint8_t *data = malloc(size);
    tox_get_savedata(g_tox, data);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", g_profile);
    FILE *f = fopen(tmp, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0 || rename(tmp, g_profile) != 0) {
        error_event("cannot save %s: %s", g_profile, strerror(errno));
    } else {
        printf("{\"event\":\"saved\",\"path\":");
        put_json_string((const uint8_t *)g_profile, strlen(g_profile));
        printf(",\"size\":%zu}\n", size);
        fflush(stdout);
    }
    free(data);
}

static uint8_t *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc(n > 0 ? (size_t)n : 1);
    *size = fread(data, 1, (size_t)(n > 0 ? n : 0), f);
    fclose(f);
    return data;
}

/* ---- callbacks ---- */

static void on_self_connection(Tox *tox, Tox_Connection c, void *user) {
    (void)tox;
    (void)user;
    printf("{\"event\":\"self_connection\",\"status\":\"%s\"}\n", connection_name(c));
    fflush(stdout);
}

static void on_friend_request(Tox *tox, const uint8_t *pk, const uint8_t *msg, size_t len, void *user) {
    (void)tox;
    (void)user;
    printf("{\"event\":\"friend_request\",\"public_key\":");
    put_hex(pk, TOX_PUBLIC_KEY_SIZE);
    printf(",\"message\":");
    put_json_string(msg, len);
    printf("}\n");
    fflush(stdout);
}

static void on_friend_connection(Tox *tox, uint32_t fn, Tox_Connection c, void *user) {
    (void)tox;
    (void)user;
    printf("{\"event\":\"friend_connection\",\"friend\":%u,\"status\":\"%s\"}\n", fn, connection_name(c));
    fflush(stdout);
}

static void on_friend_message(Tox *tox, uint32_t fn, Tox_Message_Type type, const uint8_t *msg, size_t len, void *user) {
    (void)tox;
    (void)user;
    printf("{\"event\":\"message\",\"friend\":%u,\"type\":\"%s\",\"text\":", fn,
           type == TOX_MESSAGE_TYPE_ACTION ? "action" : "normal");
    put_json_string(msg, len);
    printf("}\n");
    fflush(stdout);
}

static void on_read_receipt(Tox *tox, uint32_t fn, uint32_t id, void *user) {
    (void)tox;
    (void)user;
    printf("{\"event\":\"receipt\",\"friend\":%u,\"message_id\":%u}\n", fn, id);
    fflush(stdout);
}

static void on_friend_name(Tox *tox, uint32_t fn, const uint8_t *name, size_t len, void *user) {
    (void)tox;
    (void)user;
    printf("{\"event\":\"friend_name\",\"friend\":%u,\"name\":", fn);
    put_json_string(name, len);
    printf("}\n");
    fflush(stdout);
}

static void on_friend_status_message(Tox *tox, uint32_t fn, const uint8_t *text, size_t len, void *user) {
    (void)tox;
    (void)user;
    printf("{\"event\":\"friend_status_message\",\"friend\":%u,\"text\":", fn);
    put_json_string(text, len);
    printf("}\n");
    fflush(stdout);
}

static void on_friend_typing(Tox *tox, uint32_t fn, bool typing, void *user) {
    (void)tox;
    (void)user;
    printf("{\"event\":\"friend_typing\",\"friend\":%u,\"typing\":%s}\n", fn, typing ? "true" : "false");
    fflush(stdout);
}

static void on_file_recv(Tox *tox, uint32_t fn, uint32_t file, uint32_t kind, uint64_t size, const uint8_t *name,
                         size_t len, void *user) {
    (void)user;
    if (kind != TOX_FILE_KIND_DATA) {
        tox_file_control(tox, fn, file, TOX_FILE_CONTROL_CANCEL, NULL);
        return;
    }
    for (int i = 0; i < MAX_FILES; ++i) {
        if (g_in[i].used) continue;
        struct incoming *in = &g_in[i];
        memset(in, 0, sizeof *in);
        in->used = true;
        in->friend_number = fn;
        in->file_number = file;
        in->size = size;
        size_t n = len < sizeof in->name - 1 ? len : sizeof in->name - 1;
        memcpy(in->name, name, n);
        for (size_t j = 0; j < n; ++j) {
            if (in->name[j] == '/') in->name[j] = '_';
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", g_downloads, in->name);
        in->out = fopen(path, "wb");
        crypto_hash_sha256_init(&in->sha);
        printf("{\"event\":\"file_offer\",\"friend\":%u,\"file\":%u,\"size\":%llu,\"name\":", fn, file,
               (unsigned long long)size);
        put_json_string(name, len);
        printf("}\n");
        fflush(stdout);
        tox_file_control(tox, fn, file, TOX_FILE_CONTROL_RESUME, NULL);
        return;
    }
    tox_file_control(tox, fn, file, TOX_FILE_CONTROL_CANCEL, NULL);
}

static void on_file_chunk(Tox *tox, uint32_t fn, uint32_t file, uint64_t position, const uint8_t *data, size_t len,
                          void *user) {
    (void)tox;
    (void)user;
    for (int i = 0; i < MAX_FILES; ++i) {
        struct incoming *in = &g_in[i];
        if (!in->used || in->friend_number != fn || in->file_number != file) continue;
        if (len == 0) {
            uint8_t digest[crypto_hash_sha256_BYTES];
            crypto_hash_sha256_final(&in->sha, digest);
            if (in->out) fclose(in->out);
            printf("{\"event\":\"file_done\",\"friend\":%u,\"file\":%u,\"size\":%llu,\"sha256\":", fn, file,
                   (unsigned long long)in->received);
            put_hex(digest, sizeof digest);
            printf("}\n");
            fflush(stdout);
            in->used = false;
            return;
        }
        if (position != in->received) error_event("file %u: chunk at %llu, expected %llu", file,
                                                  (unsigned long long)position, (unsigned long long)in->received);
        if (in->out) fwrite(data, 1, len, in->out);
        crypto_hash_sha256_update(&in->sha, data, len);
        in->received += len;
        return;
    }
}

static void on_chunk_request(Tox *tox, uint32_t fn, uint32_t file, uint64_t position, size_t len, void *user) {
    (void)user;
    for (int i = 0; i < MAX_FILES; ++i) {
        struct outgoing *out = &g_out[i];
        if (!out->used || out->friend_number != fn || out->file_number != file) continue;
        if (len == 0) {
            printf("{\"event\":\"file_sent\",\"friend\":%u,\"file\":%u,\"size\":%llu}\n", fn, file,
                   (unsigned long long)out->size);
            fflush(stdout);
            fclose(out->in);
            out->used = false;
            return;
        }
        uint8_t buf[TOX_MAX_CUSTOM_PACKET_SIZE * 2];
        if (len > sizeof buf) len = sizeof buf;
        fseeko(out->in, (off_t)position, SEEK_SET);
        const size_t got = fread(buf, 1, len, out->in);
        tox_file_send_chunk(tox, fn, file, position, buf, got, NULL);
        return;
    }
}

/* ---- commands ---- */

static void command(const char *line) {
    char cmd[64], text[MAX_LINE];
    if (get_string(line, "cmd", cmd, sizeof cmd) < 0) {
        error_event("no cmd in %.80s", line);
        return;
    }
    if (strcmp(cmd, "quit") == 0) {
        g_quit = true;
    } else if (strcmp(cmd, "save") == 0) {
        save_profile();
    } else if (strcmp(cmd, "add") == 0) {
        char id[2 * TOX_ADDRESS_SIZE + 1];
        uint8_t address[TOX_ADDRESS_SIZE];
        const long n = get_string(line, "message", text, sizeof text);
        if (get_string(line, "id", id, sizeof id) < 0 || !parse_hex(id, address, TOX_ADDRESS_SIZE) || n <= 0) {
            error_event("add needs an id and a message");
            return;
        }
        Tox_Err_Friend_Add err;
        const uint32_t fn = tox_friend_add(g_tox, address, (const uint8_t *)text, (size_t)n, &err);
        if (err != TOX_ERR_FRIEND_ADD_OK) {
            error_event("tox_friend_add failed: %d", err);
            return;
        }
        printf("{\"event\":\"friend_added\",\"friend\":%u}\n", fn);
    } else if (strcmp(cmd, "accept") == 0) {
        char hex[2 * TOX_PUBLIC_KEY_SIZE + 1];
        uint8_t pk[TOX_PUBLIC_KEY_SIZE];
        if (get_string(line, "public_key", hex, sizeof hex) < 0 || !parse_hex(hex, pk, sizeof pk)) {
            error_event("accept needs a public_key");
            return;
        }
        Tox_Err_Friend_Add err;
        const uint32_t fn = tox_friend_add_norequest(g_tox, pk, &err);
        if (err != TOX_ERR_FRIEND_ADD_OK) {
            error_event("tox_friend_add_norequest failed: %d", err);
            return;
        }
        printf("{\"event\":\"friend_added\",\"friend\":%u}\n", fn);
    } else if (strcmp(cmd, "msg") == 0 || strcmp(cmd, "action") == 0) {
        const long n = get_string(line, "text", text, sizeof text);
        const long fn = get_int(line, "friend");
        Tox_Err_Friend_Send_Message err;
        const uint32_t id = tox_friend_send_message(
            g_tox, (uint32_t)fn, strcmp(cmd, "action") == 0 ? TOX_MESSAGE_TYPE_ACTION : TOX_MESSAGE_TYPE_NORMAL,
            (const uint8_t *)text, n > 0 ? (size_t)n : 0, &err);
        if (err != TOX_ERR_FRIEND_SEND_MESSAGE_OK) {
            error_event("tox_friend_send_message failed: %d", err);
            return;
        }
        printf("{\"event\":\"sent\",\"friend\":%ld,\"message_id\":%u}\n", fn, id);
    } else if (strcmp(cmd, "name") == 0) {
        const long n = get_string(line, "name", text, sizeof text);
        tox_self_set_name(g_tox, (const uint8_t *)text, n > 0 ? (size_t)n : 0, NULL);
    } else if (strcmp(cmd, "status_message") == 0) {
        const long n = get_string(line, "text", text, sizeof text);
        tox_self_set_status_message(g_tox, (const uint8_t *)text, n > 0 ? (size_t)n : 0, NULL);
    } else if (strcmp(cmd, "typing") == 0) {
        const long fn = get_int(line, "friend");
        /* "typing" is the command's name too: look for the key with its value. */
        const bool on = strstr(line, "\"typing\": true") != NULL || strstr(line, "\"typing\":true") != NULL;
        Tox_Err_Set_Typing err;
        tox_self_set_typing(g_tox, (uint32_t)fn, on, &err);
        if (err != TOX_ERR_SET_TYPING_OK) error_event("tox_self_set_typing failed: %d", err);
    } else if (strcmp(cmd, "send_file") == 0) {
        const long fn = get_int(line, "friend");
        if (get_string(line, "path", text, sizeof text) < 0) {
            error_event("send_file needs a path");
            return;
        }
        FILE *f = fopen(text, "rb");
        if (!f) {
            error_event("cannot open %s", text);
            return;
        }
        fseeko(f, 0, SEEK_END);
        const uint64_t size = (uint64_t)ftello(f);
        const char *base = strrchr(text, '/');
        base = base ? base + 1 : text;
        Tox_Err_File_Send err;
        const uint32_t file = tox_file_send(g_tox, (uint32_t)fn, TOX_FILE_KIND_DATA, size, NULL, (const uint8_t *)base,
                                            strlen(base), &err);
        if (err != TOX_ERR_FILE_SEND_OK) {
            fclose(f);
            error_event("tox_file_send failed: %d", err);
            return;
        }
        for (int i = 0; i < MAX_FILES; ++i) {
            if (g_out[i].used) continue;
            g_out[i] = (struct outgoing){true, (uint32_t)fn, file, f, size};
            break;
        }
        printf("{\"event\":\"file_offered\",\"friend\":%ld,\"file\":%u,\"size\":%llu}\n", fn, file,
               (unsigned long long)size);
    } else if (strcmp(cmd, "offer") == 0) {
        const long fn = get_int(line, "friend");
        const char *p = find_value(line, "size");
        const uint64_t size = p ? strtoull(p, NULL, 10) : 0;
        const long n = get_string(line, "name", text, sizeof text);
        Tox_Err_File_Send err;
        const uint32_t file = tox_file_send(g_tox, (uint32_t)fn, TOX_FILE_KIND_DATA, size, NULL, (const uint8_t *)text,
                                            n > 0 ? (size_t)n : 0, &err);
        if (err != TOX_ERR_FILE_SEND_OK) {
            error_event("tox_file_send failed: %d", err);
            return;
        }
        printf("{\"event\":\"file_offered\",\"friend\":%ld,\"file\":%u,\"size\":%llu}\n", fn, file,
               (unsigned long long)size);
    } else {
        error_event("unknown cmd %s", cmd);
    }
    fflush(stdout);
}

static void on_signal(int sig) {
    (void)sig;
    g_quit = true;
}

int main(int argc, char **argv) {
    if (sodium_init() < 0) return 1;
    struct Tox_Options *opts = tox_options_new(NULL);
    tox_options_set_ipv6_enabled(opts, false);
    tox_options_set_local_discovery_enabled(opts, false);
    tox_options_set_tcp_port(opts, 0);
    const char *name = NULL;
    const char *bootstrap[16], *relays[16];
    int n_bootstrap = 0, n_relays = 0;
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--profile") == 0 && v) { g_profile = v; ++i; }
        else if (strcmp(a, "--port") == 0 && v) { tox_options_set_start_port(opts, (uint16_t)atoi(v)); tox_options_set_end_port(opts, (uint16_t)atoi(v)); ++i; }
        else if (strcmp(a, "--bootstrap") == 0 && v && n_bootstrap < 16) { bootstrap[n_bootstrap++] = v; ++i; }
        else if (strcmp(a, "--tcp-relay") == 0 && v && n_relays < 16) { relays[n_relays++] = v; ++i; }
        else if (strcmp(a, "--relay-port") == 0 && v) { tox_options_set_tcp_port(opts, (uint16_t)atoi(v)); ++i; }
        else if (strcmp(a, "--no-udp") == 0) { tox_options_set_udp_enabled(opts, false); }
        else if (strcmp(a, "--name") == 0 && v) { name = v; ++i; }
        else if (strcmp(a, "--downloads") == 0 && v) { g_downloads = v; ++i; }
        else { fprintf(stderr, "toxdriver: unknown argument %s\n", a); return 2; }
    }
    uint8_t *saved = NULL;
    size_t saved_size = 0;
    if (g_profile && (saved = read_file(g_profile, &saved_size)) != NULL) {
        tox_options_set_savedata_type(opts, TOX_SAVEDATA_TYPE_TOX_SAVE);
        tox_options_set_savedata_data(opts, saved, saved_size);
    }
    Tox_Err_New err;
    g_tox = tox_new(opts, &err);
    free(saved);
    tox_options_free(opts);
    if (!g_tox) {
        fprintf(stderr, "toxdriver: tox_new failed: %d\n", err);
        printf("{\"event\":\"error\",\"text\":\"tox_new failed: %d\"}\n", err);
        return 1;
    }
    if (name) tox_self_set_name(g_tox, (const uint8_t *)name, strlen(name), NULL);
    for (int i = 0; i < n_bootstrap + n_relays; ++i) {
        const bool relay = i >= n_bootstrap;
        const char *text = relay ? relays[i - n_bootstrap] : bootstrap[i];
        char host[256];
        uint16_t port;
        uint8_t key[TOX_PUBLIC_KEY_SIZE];
        const bool ok = parse_node(text, host, sizeof host, &port, key) &&
                        (relay ? tox_add_tcp_relay(g_tox, host, port, key, NULL) : tox_bootstrap(g_tox, host, port, key, NULL));
        if (!ok) {
            fprintf(stderr, "toxdriver: bad %s %s\n", relay ? "--tcp-relay" : "--bootstrap", text);
            return 2;
        }
    }
    tox_callback_self_connection_status(g_tox, on_self_connection);
    tox_callback_friend_request(g_tox, on_friend_request);
    tox_callback_friend_connection_status(g_tox, on_friend_connection);
    tox_callback_friend_message(g_tox, on_friend_message);
    tox_callback_friend_read_receipt(g_tox, on_read_receipt);
    tox_callback_friend_name(g_tox, on_friend_name);
    tox_callback_friend_status_message(g_tox, on_friend_status_message);
    tox_callback_friend_typing(g_tox, on_friend_typing);
    tox_callback_file_recv(g_tox, on_file_recv);
    tox_callback_file_recv_chunk(g_tox, on_file_chunk);
    tox_callback_file_chunk_request(g_tox, on_chunk_request);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);

    uint8_t address[TOX_ADDRESS_SIZE], dht[TOX_PUBLIC_KEY_SIZE];
    tox_self_get_address(g_tox, address);
    tox_self_get_dht_id(g_tox, dht);
    printf("{\"event\":\"ready\",\"tox_id\":");
    put_hex(address, sizeof address);
    printf(",\"public_key\":");
    put_hex(address, TOX_PUBLIC_KEY_SIZE);
    printf(",\"dht_key\":");
    put_hex(dht, sizeof dht);
    printf(",\"udp_port\":%u,\"name\":", tox_self_get_udp_port(g_tox, NULL));
    uint8_t text[TOX_MAX_STATUS_MESSAGE_LENGTH];
    tox_self_get_name(g_tox, text);
    put_json_string(text, tox_self_get_name_size(g_tox));
    printf(",\"status_message\":");
    tox_self_get_status_message(g_tox, text);
    put_json_string(text, tox_self_get_status_message_size(g_tox));
    printf(",\"friends\":[");
    const size_t n_friends = tox_self_get_friend_list_size(g_tox);
    uint32_t *list = malloc((n_friends + 1) * sizeof *list);
    tox_self_get_friend_list(g_tox, list);
    for (size_t i = 0; i < n_friends; ++i) {
        uint8_t pk[TOX_PUBLIC_KEY_SIZE];
        tox_friend_get_public_key(g_tox, list[i], pk, NULL);
        if (i) putchar(',');
        put_hex(pk, sizeof pk);
    }
    free(list);
    printf("]}\n");
    fflush(stdout);

    char line[MAX_LINE];
    size_t fill = 0;
    while (!g_quit) {
        tox_iterate(g_tox, NULL);
        struct timeval tv = {0, (suseconds_t)tox_iteration_interval(g_tox) * 1000};
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(0, &fds);
        if (select(1, &fds, NULL, NULL, &tv) > 0) {
            const ssize_t n = read(0, line + fill, sizeof line - 1 - fill);
            if (n <= 0) break;  /* stdin closed: the test is gone */
            fill += (size_t)n;
            char *start = line, *nl;
            while ((nl = memchr(start, '\n', fill - (size_t)(start - line))) != NULL) {
                *nl = 0;
                command(start);
                start = nl + 1;
            }
            fill -= (size_t)(start - line);
            memmove(line, start, fill);
            if (fill == sizeof line - 1) fill = 0;  /* an overlong line is dropped */
        }
    }
    save_profile();
    tox_kill(g_tox);
    return 0;
}
