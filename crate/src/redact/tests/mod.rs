//! The redaction of single entries: what goes, what keeps its shape.

use super::*;

const KEY: &[u8] = b"fixed test key";

fn har(entries: &str) -> Vec<u8> {
    format!(r#"{{"log":{{"version":"1.2","creator":{{"name":"t","version":"1"}},"entries":[{entries}]}}}}"#)
        .into_bytes()
}

fn redact_str(input: &[u8], options: Options) -> (String, Summary) {
    let (out, summary) = redact(input, options, KEY).unwrap();
    (String::from_utf8(out).unwrap(), summary)
}

fn header<'a>(out: &'a serde_json::Value, side: &str, name: &str) -> &'a str {
    out["log"]["entries"][0][side]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"].as_str().unwrap().eq_ignore_ascii_case(name))
        .unwrap()["value"]
        .as_str()
        .unwrap()
}

const ENTRY: &str = r#"{"startedDateTime":"2021-10-19T16:56:47.306Z","_custom":{"x":[1,2.5]},
 "request":{"method":"POST","url":"https://u:pw@jira.example.test/track/rest/x?access_token=SECRET1&issueId=314447#id_token=SECRET9",
  "headers":[{"name":"Cookie","value":"JSESSIONID=ABCDEF.node1; crowd.token_key=SECRET2; atlassian.xsrf.token=B|SECRET3|lin; empty=\"\""},
             {"name":"Authorization","value":"Basic SECRET4"},{"name":"X-Api-Key","value":"SECRET5"},{"name":"Accept","value":"*/*"}],
  "cookies":[{"name":"crowd.token_key","value":"SECRET2","httpOnly":true}],
  "queryString":[{"name":"access_token","value":"SECRET1"},{"name":"issueId","value":"314447"}],
  "postData":{"mimeType":"application/x-www-form-urlencoded","text":"os_username=v3ry8&os_password=SECRET6","params":[{"name":"os_password","value":"SECRET6"}]}},
 "response":{"status":302,"headers":[{"name":"Set-Cookie","value":"JSESSIONID=XYZ.node2; Path=/track; HttpOnly\ncrowd.token_key=\"\"; Expires=Thu, 01-Jan-1970 00:00:10 GMT; Path=/; Domain=.example.test"},
   {"name":"X-AUSERNAME","value":"v3ry8"},{"name":"X-AREQUESTID","value":"716x107921x1"},
   {"name":"Location","value":"https://jira.example.test/track/login.jsp?permissionViolation=true&os_destination=%2Fbrowse%2FX-1"},
   {"name":"Access-Control-Allow-Origin","value":"https://jira.example.test"}],
  "cookies":[],"content":{"size":42,"mimeType":"text/html","text":"<p>SECRET7</p>"},"redirectURL":""},
 "serverIPAddress":"192.0.2.10","timings":{"wait":1}}"#;

#[test]
fn secrets_go_and_the_shapes_the_diagnosis_reads_stay() {
    let (out, summary) = redact_str(&har(ENTRY), Options::default());
    for secret in
        ["SECRET1", "SECRET2", "SECRET3", "SECRET4", "SECRET5", "SECRET6", "SECRET7", "SECRET9", "u:pw"]
    {
        assert!(!out.contains(secret), "{secret} survived: {out}");
    }
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let cookie = header(&v, "request", "cookie");
    assert!(cookie.starts_with("JSESSIONID=redacted-"), "{cookie}");
    assert!(cookie.contains(".node1; crowd.token_key=redacted-"), "{cookie}");
    assert!(cookie.ends_with("|lin; empty=\"\""), "{cookie}");
    let set = header(&v, "response", "set-cookie");
    assert!(set.ends_with(".node2; Path=/track; HttpOnly\ncrowd.token_key=\"\"; Expires=Thu, 01-Jan-1970 00:00:10 GMT; Path=/; Domain=.example.test"), "{set}");
    assert!(header(&v, "request", "authorization").starts_with("Basic redacted-"));
    assert_eq!(header(&v, "response", "x-ausername"), "v3ry8", "usernames are opt-in");
    assert_eq!(header(&v, "response", "x-arequestid"), "716x107921x1");
    assert!(header(&v, "response", "location")
        .ends_with("login.jsp?permissionViolation=true&os_destination=%2Fbrowse%2FX-1"));
    let e = &v["log"]["entries"][0];
    assert!(e["request"]["url"].as_str().unwrap().starts_with("https://redacted-"));
    assert!(e["request"]["url"]
        .as_str()
        .unwrap()
        .contains("@jira.example.test/track/rest/x?access_token=redacted-"));
    assert!(e["request"]["url"].as_str().unwrap().contains("&issueId=314447#id_token=redacted-"));
    // The same value, the same placeholder: in the header, the cookie array, the URL and queryString.
    let token = e["request"]["cookies"][0]["value"].as_str().unwrap();
    assert!(cookie.contains(&format!("crowd.token_key={token}")));
    assert_eq!(e["request"]["queryString"][1]["value"], "314447");
    assert_eq!(e["response"]["content"], serde_json::json!({"size": 42, "mimeType": "text/html"}));
    assert_eq!(e["_custom"], serde_json::json!({"x": [1, 2.5]}));
    assert_eq!(e["serverIPAddress"], "192.0.2.10");
    assert_eq!(summary.entries, 1);
    assert_eq!(summary.response_bodies, 1);
    assert_eq!(summary.post_bodies, 1);
    assert!(summary.cookies >= 5, "{summary:?}");
    assert!(out.starts_with(
        r#"{"log":{"version":"1.2","creator":{"name":"t","version":"1"},"entries":[{"startedDateTime""#
    ));
}

#[test]
fn optional_categories() {
    let (out, summary) = redact_str(&har(ENTRY), Options::all());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(header(&v, "response", "x-ausername").starts_with("user-"));
    assert!(!out.contains("v3ry8"), "{out}");
    assert!(!out.contains("example"), "{out}");
    assert!(!out.contains("192.0.2.10"), "{out}");
    let e = &v["log"]["entries"][0];
    assert!(e["serverIPAddress"].as_str().unwrap().starts_with("10."));
    // The cookie domain still domain-matches the host.
    let host = e["request"]["url"]
        .as_str()
        .unwrap()
        .split('@')
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let set = header(&v, "response", "set-cookie");
    let domain = set.rsplit("Domain=").next().unwrap();
    assert!(host.ends_with(domain), "{host} / {domain}");
    assert!(host.ends_with(".test"));
    assert!(summary.usernames >= 1 && summary.ips == 1 && summary.hostnames >= 2, "{summary:?}");
}

#[test]
fn jwts_keep_their_claims_names_and_lose_the_signature() {
    let header = pseudo::b64url_encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = pseudo::b64url_encode(br#"{"sub":"SECRETSUB","exp":1700000000}"#);
    let jwt = format!("{header}.{claims}.SECRETSIG");
    let entry = format!(
        r#"{{"request":{{"url":"https://h/x/{jwt}","headers":[{{"name":"X-Thing","value":"Bearer {jwt}"}}]}}}}"#
    );
    let (out, summary) = redact_str(&har(&entry), Options::default());
    assert!(!out.contains("SECRETSIG") && !out.contains(&claims), "{out}");
    assert_eq!(summary.jwts, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let url = v["log"]["entries"][0]["request"]["url"].as_str().unwrap();
    let token = url.rsplit('/').next().unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!((parts[0], parts[2]), (header.as_str(), "redacted"));
    let claims: serde_json::Value =
        serde_json::from_slice(&pseudo::b64url_decode(parts[1]).unwrap()).unwrap();
    assert_eq!(claims["exp"], 1700000000);
    assert!(claims["sub"].as_str().unwrap().starts_with("redacted-"));
}

#[test]
fn json_bodies_keep_their_names() {
    let entry = r#"{"request":{"url":"https://h/","postData":{"mimeType":"application/json","text":"{\"username\":\"bob\",\"password\":\"SECRET\",\"n\":3}"}}}"#;
    let (out, _) = redact_str(&har(entry), Options::default());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let text = v["log"]["entries"][0]["request"]["postData"]["text"].as_str().unwrap();
    let body: serde_json::Value = serde_json::from_str(text).unwrap();
    assert!(body["password"].as_str().unwrap().starts_with("redacted-"));
    assert_eq!(body["n"], 3);
}

#[test]
fn any_chunking_gives_the_same_bytes_and_structure_is_kept() {
    let input = format!(
        r#"{{"x":{{"a":1}},"log":{{"version":"1.2","pages":[{{"id":"p","title":"https://h/?token=SECRETP"}}],"entries":[{ENTRY},1,{ENTRY}],"comment":"c"}},"y":[]}}"#
    );
    let (whole, _) = redact_str(input.as_bytes(), Options::default());
    assert!(!whole.contains("SECRETP"));
    for chunk in [1, 7, 100, 4096] {
        let mut r = Redactor::new(Options::default(), KEY);
        let mut out = Vec::new();
        for part in input.as_bytes().chunks(chunk) {
            r.feed(part, false, &mut out).unwrap();
        }
        r.feed(b"", true, &mut out).unwrap();
        let summary = *r.summary();
        assert_eq!(String::from_utf8(out).unwrap(), whole, "chunk {chunk}");
        assert_eq!(summary.entries, 3);
    }
    let v: serde_json::Value = serde_json::from_str(&whole).unwrap();
    assert_eq!(v["log"]["entries"][1], 1);
    assert_eq!(v["log"]["comment"], "c");
    assert_eq!(v["x"]["a"], 1);
    assert!(whole.starts_with(r#"{"x":{"a":1},"log":{"version":"1.2","pages":"#));
    assert!(whole.ends_with("\"comment\":\"c\"},\"y\":[]}\n"));
}

#[test]
fn broken_input_is_a_located_error() {
    let err = redact(br#"{"log":{"entries":[{"a":tru}]}}"#, Options::default(), KEY).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 1, column 28 (byte 27), in entry 0: invalid literal: expected `true`, `false` or `null`"
    );
    let err = redact(br#"{"log":{"entries":[{}"#, Options::default(), KEY).unwrap_err();
    assert!(err.to_string().contains("ends too early"), "{err}");
}

#[test]
fn tokens_in_http2_paths_and_crowd_session_urls() {
    let entry = r#"{"request":{"url":"https://crowd.example.test/crowd/rest/usermanagement/1/session/SECRETTOKEN","headers":[{"name":":path","value":"/x?atl_token=SECRETXSRF&issueKey=APS-1"}]}}"#;
    let (out, summary) = redact_str(&har(entry), Options::default());
    assert!(!out.contains("SECRETTOKEN") && !out.contains("SECRETXSRF"), "{out}");
    assert!(out.contains("/crowd/rest/usermanagement/1/session/redacted-"), "{out}");
    assert!(out.contains("&issueKey=APS-1"), "{out}");
    assert_eq!(summary.tokens, 2);
}

#[test]
fn output_streams_out_and_memory_follows_the_largest_entry() {
    let body = "x\\\"".repeat(10_000);
    let entries: Vec<String> = (0..400)
        .map(|i| {
            format!(
                r#"{{"request":{{"url":"https://h/{i}","postData":{{"mimeType":"text/plain","text":"{body}"}}}},"response":{{"content":{{"size":1,"mimeType":"text/html","text":"{body}"}}}}}}"#
            )
        })
        .collect();
    let largest = entries.iter().map(String::len).max().unwrap();
    let input = har(&entries.join(","));
    let mut r = Redactor::new(Options::default(), KEY);
    let (mut out, mut peak, mut written_halfway) = (Vec::new(), 0, 0);
    let chunk = 16 * 1024;
    for (i, part) in input.chunks(chunk).enumerate() {
        r.feed(part, false, &mut out).unwrap();
        peak = peak.max(r.buffered());
        if i == input.len() / chunk / 2 {
            written_halfway = out.len();
        }
    }
    r.feed(b"", true, &mut out).unwrap();
    assert_eq!(r.summary().entries, 400);
    assert!(
        written_halfway > out.len() / 3,
        "output must flow while input does: {written_halfway} of {}",
        out.len()
    );
    assert!(input.len() > 50 * peak, "file {} bytes, peak {peak}", input.len());
    assert!(peak <= 2 * largest + 64 * 1024 + chunk, "peak {peak}, largest entry {largest}");
}

#[test]
fn odd_text_anywhere_never_panics() {
    let odd = [
        "é",
        "€;=",
        "\u{1F600}:1.2.3.4",
        "[::1]:",
        "%",
        "%e2%82",
        "a=b; =; ;",
        "eyJ",
        "eyJ.eyJ.",
        "eyJhbGciOiJIUzI1NiJ9.%%%.x",
        "http://",
        "https://@/?#",
        "1.2.3.4:x",
        "\n\n",
        "~",
        "/",
    ];
    for a in odd {
        for b in odd {
            let entry = serde_json::json!({
                "request": {"url": format!("{a}{b}"), "headers": [
                    {"name": "Cookie", "value": format!("{a}={b}; {b}")},
                    {"name": "X-Forwarded-For", "value": format!("{a}, {b}")},
                    {"name": "Authorization", "value": format!("{a} {b}")},
                    {"name": "Host", "value": format!("{a}{b}")},
                    {"name": "Referer", "value": format!("https://{a}/{b}?{a}={b}#{b}")}],
                  "queryString": [{"name": a, "value": b}],
                  "postData": {"mimeType": a, "text": format!("{a}={b}&{b}")}},
                "response": {"headers": [{"name": "Set-Cookie", "value": format!("{a}={b}; Domain={b}\n{b}")},
                                         {"name": "X-AUSERNAME", "value": a}],
                             "cookies": [{"name": a, "value": b, "domain": b}],
                             "content": {"mimeType": a, "text": b}},
                "serverIPAddress": b,
            });
            let input = har(&entry.to_string());
            for options in [Options::default(), Options::all()] {
                let (out, _) = redact_str(&input, options);
                let _: serde_json::Value = serde_json::from_str(&out).unwrap();
            }
        }
    }
}

#[test]
fn random_text_in_every_field_never_panics() {
    const POOL: [&str; 24] = [
        "a",
        "Z",
        "0",
        "9",
        ".",
        ":",
        ";",
        "=",
        "&",
        "?",
        "#",
        "/",
        "@",
        "~",
        "%",
        "|",
        "[",
        "]",
        " ",
        ",",
        "é",
        "\u{1F600}",
        "eyJ",
        "lin",
    ];
    let mut seed = 0x2545_f491_u32;
    let mut rand = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as usize % n
    };
    for _ in 0..3000 {
        let mut text = || (0..rand(24)).map(|_| POOL[rand(POOL.len())]).collect::<String>();
        let (a, b, c) = (text(), text(), text());
        let entry = serde_json::json!({
            "request": {"url": format!("https://{a}/{b}?{c}"), "headers": [
                {"name": "Cookie", "value": a}, {"name": "X-Forwarded-For", "value": b},
                {"name": "Referer", "value": c}, {"name": "Host", "value": a}],
              "queryString": [{"name": b, "value": c}], "postData": {"mimeType": "", "text": a}},
            "response": {"headers": [{"name": "Set-Cookie", "value": format!("JSESSIONID={a}; Domain={b}")},
                                     {"name": "X-AUSERNAME", "value": c}, {"name": "Location", "value": b}],
                         "cookies": [{"name": "atlassian.xsrf.token", "value": c, "domain": a}]},
            "serverIPAddress": c,
        });
        let input = har(&entry.to_string());
        for options in [Options::default(), Options::all()] {
            let (out, _) = redact_str(&input, options);
            let _: serde_json::Value = serde_json::from_str(&out).unwrap();
        }
    }
}

/// Redacts `input` whole and in every chunking from 1 byte up; all must give the same bytes.
fn redact_every_chunking(input: &[u8], options: Options) -> String {
    let (whole, _) = redact_str(input, options);
    for chunk in 1..input.len().min(64) {
        let mut r = Redactor::new(options, KEY);
        let mut out = Vec::new();
        for part in input.chunks(chunk) {
            r.feed(part, false, &mut out).unwrap_or_else(|e| panic!("chunk {chunk}: {e}"));
        }
        r.feed(b"", true, &mut out).unwrap_or_else(|e| panic!("chunk {chunk}: {e}"));
        assert_eq!(String::from_utf8(out).unwrap(), whole, "chunk {chunk}");
    }
    whole
}

fn analyzed(input: &[u8]) -> crate::Report {
    let mut analyzer = crate::Analyzer::new();
    analyzer.add_input("x.har", input).unwrap_or_else(|e| panic!("analysis: {e}"));
    analyzer.finish()
}

fn warning_codes(report: &crate::Report) -> Vec<&'static str> {
    report.inputs[0].warnings.iter().map(|w| w.code).collect()
}

#[test]
fn duplicate_log_and_entries_members_stay_valid_json_with_every_entry() {
    let input = br#"{"log":{"version":"1.2","entries":[{"time":1}],"entries":[{"time":2}],"comment":"c"},"log":{"entries":[{"time":3}]}}"#;
    let out = redact_every_chunking(input, Options::default());
    let _: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(
        out,
        "{\"log\":{\"version\":\"1.2\",\"entries\":[{\"time\":1}],\"entries\":[{\"time\":2}],\"comment\":\"c\"},\"log\":{\"entries\":[{\"time\":3}]}}\n"
    );
    let (before, after) = (analyzed(input), analyzed(out.as_bytes()));
    assert_eq!((before.inputs[0].entries, after.inputs[0].entries), (3, 3));
    let codes = warning_codes(&before);
    assert!(codes.contains(&"duplicate-entries") && codes.contains(&"duplicate-log"), "{codes:?}");
}

#[test]
fn a_number_cut_by_a_chunk_boundary_is_read_whole() {
    let input = br#"{"log":{"entries":[12345,-6.78e+90,{"time":1},true,"s",[1]]}}"#;
    let out = redact_every_chunking(input, Options::default());
    assert!(out.contains(r#""entries":[12345,-6.78e+90,{"time":1},true,"s",[1]]"#), "{out}");
}

#[test]
fn headers_without_a_name_or_with_odd_values_keep_no_secret() {
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJTRUNSRVRTVUIifQ.SECRETSIG";
    let entry = format!(
        r#"{{"request":{{"url":"https://h/","headers":[{{"value":"{jwt}"}},{{"value":"JSESSIONID=SECRETNONAME"}},
             {{"name":"Cookie","value":["crowd.token_key=SECRETARRAY"]}},{{"name":"Authorization","value":{{"Bearer":"SECRETOBJ"}}}},
             {{"name":"X-Auth-Token","value":98765432109876543210}},{{"name":7,"value":"SECRETNUMNAME"}}],
           "cookies":[{{"name":"JSESSIONID","value":555666777888}}],
           "queryString":[{{"value":"SECRETQS"}},{{"name":"access_token","value":["SECRETQSARRAY"]}}]}},
          "_big":18446744073709551616,"_small":-12345678901234567890123,"_float":1.50}}"#
    );
    let (out, _) = redact_str(&har(&entry), Options::default());
    let _: serde_json::Value = serde_json::from_str(&out).unwrap();
    for secret in [
        "SECRETSIG",
        "U0VDUkVUU1VC",
        "SECRETNONAME",
        "SECRETARRAY",
        "SECRETOBJ",
        "98765432109876543210",
        "SECRETNUMNAME",
        "555666777888",
        "SECRETQS",
    ] {
        assert!(!out.contains(secret), "{secret} survived: {out}");
    }
    // Numbers are written as they were read, whatever their size.
    assert!(
        out.contains(r#""_big":18446744073709551616,"_small":-12345678901234567890123,"_float":1.50"#),
        "{out}"
    );
}

/// Inputs JSON does not allow but tools write, or a file can hold; each one deviation.
fn tolerated() -> Vec<(&'static str, String)> {
    let long = "b".repeat(2000);
    let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
    vec![
        (
            "lone-surrogate",
            r#"{"request":{"url":"https://h/","headers":[{"name":"X-Thing","value":"a\ud800b"}]}}"#
                .to_owned(),
        ),
        (
            "lone-surrogate",
            r#"{"request":{"postData":{"mimeType":"text/plain","text":"x\udc00"}}}"#.to_owned(),
        ),
        ("lone-surrogate", r#"{"_webSocketMessages":[{"type":"receive","data":"\ud83d"}]}"#.to_owned()),
        ("number-out-of-range", r#"{"_extra":1e999,"time":-1E400}"#.to_owned()),
        ("raw-control-character", format!("{{\"request\":{{\"postData\":{{\"text\":\"a\u{1}{long}\"}}}}}}")),
        (
            "raw-control-character",
            "{\"response\":{\"headers\":[{\"name\":\"X\",\"value\":\"a\tb\"}]}}".to_owned(),
        ),
        ("invalid-escape", format!(r#"{{"request":{{"postData":{{"text":"a\x{long}"}}}}}}"#)),
        ("invalid-escape", r#"{"comment":"\q"}"#.to_owned()),
        ("deep-nesting", format!(r#"{{"_initiator":{deep},"time":1}}"#)),
    ]
}

#[test]
fn the_analysis_and_the_sanitizer_accept_the_same_deviations() {
    for (code, entry) in tolerated() {
        let mut input = har(&entry);
        input.extend_from_slice(b"\n");
        let report = analyzed(&input);
        assert_eq!(report.inputs[0].entries, 1, "{code}");
        let mut r = Redactor::new(Options::default(), KEY);
        let mut out = Vec::new();
        r.feed(&input, true, &mut out).unwrap_or_else(|e| panic!("{code}: the sanitizer refuses: {e}"));
        // Valid JSON (strictly: serde_json refuses every deviation above), still one entry.
        let v: serde_json::Value = serde_json::from_slice(&out)
            .unwrap_or_else(|e| panic!("{code}: {e}: {}", String::from_utf8_lossy(&out)));
        assert_eq!(v["log"]["entries"].as_array().map(Vec::len), Some(1), "{code}");
        let warned: Vec<&str> = r.warnings().iter().map(|w| w.code).collect();
        assert!(warned.contains(&code), "{code}: the sanitizer warns {warned:?}");
        assert_eq!(analyzed(&out).inputs[0].entries, 1, "{code}");
    }
    // Where the analysis reads the value itself, it says so too.
    let report = analyzed(&har(&tolerated()[0].1));
    assert!(warning_codes(&report).contains(&"lone-surrogate"), "{:?}", warning_codes(&report));
}

#[test]
fn elements_that_are_not_entry_objects_are_judged_alike() {
    for (input, readable) in [
        (&br#"{"log":{"entries":[[tru]]}}"#[..], false),
        (br#"{"log":{"entries":[{"a":1} 2]}}"#, false),
        (br#"{"log":{"entries":["x\ud800",1e999,[1],{"time":1}]}}"#, true),
    ] {
        let mut analyzer = crate::Analyzer::new();
        let analysis = analyzer.add_input("x.har", input);
        let redaction = redact(input, Options::default(), KEY);
        let text = String::from_utf8_lossy(input);
        assert_eq!(analysis.is_ok(), readable, "{text}: analysis {analysis:?}");
        assert_eq!(redaction.is_ok(), readable, "{text}: redaction {:?}", redaction.map(|(o, _)| o));
        if readable {
            assert_eq!(analyzer.finish().inputs[0].entries, 4);
        }
    }
}

fn b64(bytes: &[u8]) -> String {
    pseudo::b64url_encode(bytes).replace('-', "+").replace('_', "/")
}

#[test]
fn copies_of_a_replaced_value_get_its_placeholder_wherever_they_are() {
    // An analytics beacon carries the __utma cookie in `utmcc` before the request that sends the cookie;
    // WebPagetest's `_url` keeps the query; headers, a JSON text and base64 repeat a token.
    let utma = "123456789.1700000000.1.1";
    let token = "tok/en\"VALUE123";
    let json_token = serde_json::to_string(token).unwrap();
    let escaped = &json_token[1..json_token.len() - 1];
    let entries = [
        format!(
            r#"{{"request":{{"url":"https://ga.example.test/__utm.gif?utmcc=__utma%3D{utma}%3B","headers":[]}},"_url":"ga.example.test/__utm.gif?utmcc=__utma%3D{utma}%3B"}}"#
        ),
        format!(
            r#"{{"request":{{"url":"https://h.example.test/x","headers":[{{"name":"Cookie","value":"__utma={utma}; other=1"}},{{"name":"X-Auth-Token","value":{json_token}}}]}}}}"#
        ),
        format!(
            r#"{{"request":{{"url":"https://h.example.test/y","headers":[{{"name":"X-Echo","value":"seen {utma} and {escaped_in_json}"}},{{"name":"X-B64","value":"{b64}"}}]}},
               "_json":"{{\"t\":\"{escaped_in_json}\"}}","_pct":"a={pct}","_number":{number},"{utma}":1}}"#,
            escaped_in_json = escaped.replace('\\', "\\\\").replace('"', "\\\""),
            b64 = b64(token.as_bytes()),
            pct = "tok%2Fen%22VALUE123",
            number = 12345678901234_u64,
        ),
        r#"{"request":{"url":"https://h.example.test/z","headers":[{"name":"X-Api-Key","value":"12345678901234"}]}}"#
            .to_owned(),
    ];
    let input = har(&entries.join(","));
    let (out, _) = redact_str(&input, Options::default());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let cookie = v["log"]["entries"][1]["request"]["headers"][0]["value"].as_str().unwrap();
    let placeholder = cookie.strip_prefix("__utma=").and_then(|c| c.split(';').next()).unwrap();
    for form in [utma, "tok/en", "VALUE123", &b64(token.as_bytes()), "12345678901234"] {
        assert!(!out.contains(form), "`{form}` survived: {out}");
    }
    let e = &v["log"]["entries"];
    assert_eq!(e[0]["_url"], format!("ga.example.test/__utm.gif?utmcc=__utma%3D{placeholder}%3B"));
    assert!(e[0]["request"]["url"].as_str().unwrap().contains(placeholder), "{out}");
    assert!(e[2]["request"]["headers"][0]["value"]
        .as_str()
        .unwrap()
        .starts_with(&format!("seen {placeholder} and redacted-")));
    assert_eq!(e[2][placeholder], 1, "a copy in a member's name");
    assert!(e[2]["_number"].as_str().unwrap().starts_with("redacted-"), "a number that is a secret");
    // One pass alone cannot know a value before it comes: the beacon keeps it.
    let mut single = Redactor::new(Options::default(), KEY);
    let mut once = Vec::new();
    single.feed(&input, true, &mut once).unwrap();
    let once = String::from_utf8(once).unwrap();
    assert!(once.contains(&format!("__utma%3D{utma}%3B")), "{once}");
    assert!(!once.contains(&format!("seen {utma}")), "{once}");
}
