/* Control messages: round trip, and every rejection counted by reason. */
#include "beeldbel/error.h"
#include "beeldbel/signal.h"
#include "../common/bb_test.h"

static int parse_str(const char *s, bb_control_msg *m, bb_control_stats *st)
{
    return bb_control_parse((const uint8_t *)s, strlen(s), m, st);
}

TEST(control_text_roundtrip)
{
    bb_control_msg m = { .type = BB_CONTROL_TEXT, .seq = 4294967295u };
    strcpy(m.from, "citizen-1");
    strcpy(m.text, "Hallo wijkagent, \"quote\" \\ \xc3\xa9\xe2\x82\xac\xf0\x9f\x91\x8b\n");
    char buf[BB_CONTROL_MAX_BYTES + 1];
    size_t n;
    CHECK_OK(bb_control_write(&m, buf, sizeof(buf), &n));
    CHECK_EQ_INT(strlen(buf), n);
    bb_control_msg back;
    bb_control_stats st = {0};
    CHECK_OK(bb_control_parse((const uint8_t *)buf, n, &back, &st));
    CHECK_EQ_INT(back.type, BB_CONTROL_TEXT);
    CHECK(back.seq == 4294967295u);
    CHECK(strcmp(back.from, m.from) == 0);
    CHECK(strcmp(back.text, m.text) == 0);
    CHECK_EQ_INT(st.accepted, 1);
}

TEST(control_final_text_roundtrip_and_needs_a_body)
{
    bb_control_msg m = { .type = BB_CONTROL_TEXT_FINAL, .seq = 7 };
    strcpy(m.from, "caption");
    strcpy(m.text, "Goedemiddag.");
    char buf[256];
    size_t n;
    CHECK_OK(bb_control_write(&m, buf, sizeof(buf), &n));
    CHECK(strstr(buf, "\"type\":\"text_final\"") != NULL);
    bb_control_msg back;
    bb_control_stats st = {0};
    CHECK_OK(bb_control_parse((const uint8_t *)buf, n, &back, &st));
    CHECK_EQ_INT(back.type, BB_CONTROL_TEXT_FINAL);
    CHECK(strcmp(back.text, "Goedemiddag.") == 0);
    CHECK_EQ_INT(parse_str("{\"v\":1,\"type\":\"text_final\",\"seq\":1,\"from\":\"a\"}", &back, &st),
                 BB_E_PROTO);
    CHECK_EQ_INT(st.rejected[BB_CONTROL_REJECT_FIELD], 1);
}

TEST(control_hello_has_no_body)
{
    bb_control_msg m;
    bb_control_stats st = {0};
    CHECK_OK(parse_str("{\"v\":1,\"type\":\"hello\",\"seq\":0,\"from\":\"officer.7\"}", &m, &st));
    CHECK_EQ_INT(m.type, BB_CONTROL_HELLO);
    CHECK(m.text[0] == 0);
    CHECK_EQ_INT(parse_str("{\"v\":1,\"type\":\"hello\",\"seq\":0,\"from\":\"a\",\"body\":{}}", &m, &st),
                 BB_E_PROTO);
    CHECK_EQ_INT(st.rejected[BB_CONTROL_REJECT_FIELD], 1);
}

struct bad_case {
    const char *json;
    bb_control_reject reason;
};

TEST(control_rejects_each_bad_input_with_its_reason)
{
    static const struct bad_case cases[] = {
        { "", BB_CONTROL_REJECT_SIZE },
        { "{\"v\":1,", BB_CONTROL_REJECT_JSON },
        { "[1,2,3]", BB_CONTROL_REJECT_JSON },
        { "\"text\"", BB_CONTROL_REJECT_JSON },
        { "{\"type\":\"hello\",\"seq\":1,\"from\":\"a\"}", BB_CONTROL_REJECT_VERSION },
        { "{\"v\":2,\"type\":\"hello\",\"seq\":1,\"from\":\"a\"}", BB_CONTROL_REJECT_VERSION },
        { "{\"v\":\"1\",\"type\":\"hello\",\"seq\":1,\"from\":\"a\"}", BB_CONTROL_REJECT_VERSION },
        { "{\"v\":1,\"type\":\"launch\",\"seq\":1,\"from\":\"a\"}", BB_CONTROL_REJECT_TYPE },
        { "{\"v\":1,\"type\":7,\"seq\":1,\"from\":\"a\"}", BB_CONTROL_REJECT_TYPE },
        { "{\"v\":1,\"type\":\"hello\",\"from\":\"a\"}", BB_CONTROL_REJECT_FIELD },
        { "{\"v\":1,\"type\":\"hello\",\"seq\":1,\"from\":\"a\",\"admin\":true}", BB_CONTROL_REJECT_FIELD },
        { "{\"v\":1,\"v\":1,\"type\":\"hello\",\"seq\":1,\"from\":\"a\"}", BB_CONTROL_REJECT_FIELD },
        { "{\"v\":1,\"type\":\"hello\",\"seq\":\"1\",\"from\":\"a\"}", BB_CONTROL_REJECT_FIELD },
        { "{\"v\":1,\"type\":\"hello\",\"seq\":-1,\"from\":\"a\"}", BB_CONTROL_REJECT_RANGE },
        { "{\"v\":1,\"type\":\"hello\",\"seq\":1.5,\"from\":\"a\"}", BB_CONTROL_REJECT_RANGE },
        { "{\"v\":1,\"type\":\"hello\",\"seq\":4294967296,\"from\":\"a\"}", BB_CONTROL_REJECT_RANGE },
        { "{\"v\":1,\"type\":\"hello\",\"seq\":1,\"from\":\"\"}", BB_CONTROL_REJECT_RANGE },
        { "{\"v\":1,\"type\":\"hello\",\"seq\":1,\"from\":\"<script>\"}", BB_CONTROL_REJECT_RANGE },
        { "{\"v\":1,\"type\":\"hello\",\"seq\":1,\"from\":\"a' OR 1=1--\"}", BB_CONTROL_REJECT_RANGE },
        { "{\"v\":1,\"type\":\"text\",\"seq\":1,\"from\":\"a\"}", BB_CONTROL_REJECT_FIELD },
        { "{\"v\":1,\"type\":\"text\",\"seq\":1,\"from\":\"a\",\"body\":{\"text\":3}}", BB_CONTROL_REJECT_FIELD },
        { "{\"v\":1,\"type\":\"text\",\"seq\":1,\"from\":\"a\",\"body\":{\"text\":\"x\",\"y\":1}}", BB_CONTROL_REJECT_FIELD },
        { "{\"v\":1,\"type\":\"text\",\"seq\":1,\"from\":\"a\",\"body\":{\"text\":\"\xc0\xaf\"}}", BB_CONTROL_REJECT_UTF8 },
        { "{\"v\":1,\"type\":\"text\",\"seq\":1,\"from\":\"a\",\"body\":{\"text\":\"\xed\xa0\x80\"}}", BB_CONTROL_REJECT_UTF8 },
        { "{\"v\":1,\"type\":\"text\",\"seq\":1,\"from\":\"a\",\"body\":{\"text\":\"\xf0\x9f\x91\"}}", BB_CONTROL_REJECT_UTF8 },
    };
    bb_control_stats st = {0};
    size_t expected[BB_CONTROL_REJECT_COUNT] = {0};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bb_control_msg m;
        int rc = parse_str(cases[i].json, &m, &st);
        expected[cases[i].reason]++;
        if (rc == BB_OK || st.rejected[cases[i].reason] != expected[cases[i].reason]) {
            bb_test_fail(__FILE__, __LINE__, "case %zu (%s) not rejected as %s",
                         i, cases[i].json, bb_control_reject_name(cases[i].reason));
            return;
        }
    }
    CHECK_EQ_INT(st.accepted, 0);
}

TEST(control_rejects_oversize_before_parsing)
{
    static char big[BB_CONTROL_MAX_BYTES + 2];
    memset(big, ' ', sizeof(big) - 1);
    big[0] = '{';
    big[sizeof(big) - 2] = '}';
    bb_control_msg m;
    bb_control_stats st = {0};
    CHECK_EQ_INT(parse_str(big, &m, &st), BB_E_TOO_LARGE);
    CHECK_EQ_INT(st.rejected[BB_CONTROL_REJECT_SIZE], 1);
}

TEST(control_rejects_overlong_text)
{
    static char json[BB_CONTROL_MAX_BYTES];
    static char text[BB_CONTROL_MAX_TEXT + 2];
    memset(text, 'a', BB_CONTROL_MAX_TEXT + 1);
    snprintf(json, sizeof(json),
             "{\"v\":1,\"type\":\"text\",\"seq\":1,\"from\":\"a\",\"body\":{\"text\":\"%s\"}}", text);
    bb_control_msg m;
    bb_control_stats st = {0};
    CHECK_EQ_INT(parse_str(json, &m, &st), BB_E_PROTO);
    CHECK_EQ_INT(st.rejected[BB_CONTROL_REJECT_RANGE], 1);
    text[BB_CONTROL_MAX_TEXT] = 0; /* exactly the limit is fine */
    snprintf(json, sizeof(json),
             "{\"v\":1,\"type\":\"text\",\"seq\":1,\"from\":\"a\",\"body\":{\"text\":\"%s\"}}", text);
    CHECK_OK(parse_str(json, &m, &st));
}

TEST(control_write_refuses_what_parse_would)
{
    bb_control_msg m = { .type = BB_CONTROL_TEXT };
    char buf[64];
    size_t n;
    strcpy(m.from, "bad id");
    CHECK_EQ_INT(bb_control_write(&m, buf, sizeof(buf), &n), BB_E_ARG);
    strcpy(m.from, "ok");
    strcpy(m.text, "\xff");
    CHECK_EQ_INT(bb_control_write(&m, buf, sizeof(buf), &n), BB_E_ARG);
    strcpy(m.text, "a fairly long text that will not fit into sixty-four bytes of output");
    CHECK_EQ_INT(bb_control_write(&m, buf, sizeof(buf), &n), BB_E_BUFFER);
}

TEST(strerror_has_both_languages)
{
    CHECK(strcmp(bb_strerror(BB_E_AUTH), "authentication failed") == 0);
    CHECK(strcmp(bb_strerror_nl(BB_E_AUTH), "authenticatie mislukt") == 0);
    CHECK(strcmp(bb_strerror(-999), "unknown error") == 0);
    CHECK(strcmp(bb_strerror_nl(5), "onbekende fout") == 0);
    for (int e = 0; e >= BB_E_LAST; e--)
        CHECK(strcmp(bb_strerror(e), "unknown error") != 0);
}
