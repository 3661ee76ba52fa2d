package io.livecloud.api;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RpcSignatureTest {

    /** SPEC §7: the cloud's classic sample. */
    @Test
    void theSpecsTestVector() {
        Map<String, String> p = new HashMap<>();
        p.put("AccessKeyId", "testid");
        p.put("Action", "DescribeRegions");
        p.put("Format", "XML");
        p.put("SignatureMethod", "HMAC-SHA1");
        p.put("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf");
        p.put("SignatureVersion", "1.0");
        p.put("Timestamp", "2016-02-23T12:46:24Z");
        p.put("Version", "2014-05-26");
        assertThat(RpcSignature.stringToSign("GET", p)).isEqualTo("GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions"
                + "%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
                + "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26");
        assertThat(RpcSignature.sign("GET", p, "testsecret")).isEqualTo("OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
        p.put("Signature", "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
        assertThat(RpcSignature.sign("GET", p, "testsecret")).as("Signature itself is not signed").isEqualTo("OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
        assertThat(RpcSignature.verify("GET", p, "testsecret", "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")).isTrue();
        assertThat(RpcSignature.verify("POST", p, "testsecret", "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")).isFalse();
        assertThat(RpcSignature.verify("GET", p, "other", "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")).isFalse();
    }

    @Test
    void percentEncodingKeepsOnlyUnreservedCharacters() {
        assertThat(RpcSignature.percentEncode("a b*c~d-e_f.g")).isEqualTo("a%20b%2Ac~d-e_f.g");
        assertThat(RpcSignature.percentEncode("+/=&:,")).isEqualTo("%2B%2F%3D%26%3A%2C");
        assertThat(RpcSignature.percentEncode("直播")).isEqualTo("%E7%9B%B4%E6%92%AD");
    }

    @Test
    void namesSortByCodePointSoUpperCaseComesFirst() {
        assertThat(RpcSignature.canonicalQuery(Map.of("b", "1", "B", "2", "a", "3", "Signature", "x")))
                .isEqualTo("B=2&a=3&b=1");
    }
}
