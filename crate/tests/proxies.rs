//! `harlens proxies` as an admin meets it: the KB case ("Users being logged out from JIRA") before and after
//! trusting the changing middle proxy, the JSON contract, and located errors with exit status 2.
//!
//! Addresses are documentation ranges standing in for the KB's anonymised ones: the user 203.0.113.7, the
//! app-facing load balancer 192.0.2.10 (remote_address, and also in XFF: the KB's path passes it twice), and
//! the HTTP server in the middle, which came back as 198.51.100.20 and later as 198.51.100.88.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests state their assumptions
#![cfg(not(target_arch = "wasm32"))]

use std::process::{Command, Output};

use serde_json::Value;

const REMOTE: &str = "192.0.2.10";
const FIRST: &str = "203.0.113.7, 192.0.2.10, 198.51.100.20";
const LATER: &str = "203.0.113.7, 192.0.2.10, 198.51.100.88";

fn harlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_harlens")).args(args).output().unwrap()
}

fn json(trusted: &str, xff: &str) -> Value {
    let out =
        harlens(&["proxies", "--trusted", trusted, "--remote", REMOTE, "--xff", xff, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn text(trusted: &str, xff: &str) -> String {
    let out = harlens(&["proxies", "--trusted", trusted, "--remote", REMOTE, "--xff", xff]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn suggested(report: &Value) -> Vec<String> {
    report["suggestion"]["add"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["entry"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn kb_case_the_documented_rule_follows_the_changing_middle_proxy() {
    let first = json(REMOTE, FIRST);
    let later = json(REMOTE, LATER);
    // Crowd binds the token to the middle proxy: a new address there is "another client".
    assert_eq!(first["resolution"]["documented"]["address"], "198.51.100.20");
    assert_eq!(later["resolution"]["documented"]["address"], "198.51.100.88");
    assert_eq!(first["resolution"]["documented"]["role"], "proxy");
    // The all-or-nothing reading stays on remote_address both times: it would not explain the KB.
    assert_eq!(first["resolution"]["all_or_nothing"]["address"], REMOTE);
    assert_eq!(later["resolution"]["all_or_nothing"]["address"], REMOTE);
    assert_eq!(first["resolution"]["disagree"], true);
    assert_eq!(suggested(&first), ["198.51.100.20"]);
    assert_eq!(suggested(&later), ["198.51.100.88"]);

    let report = text(REMOTE, FIRST);
    assert!(report.contains("198.51.100.20 (XFF entry 2, a proxy)"), "{report}");
    assert!(report.contains("The rules disagree."), "{report}");
    assert!(report.contains("it is the KB case"), "{report}");
    assert!(report.contains("add to the trusted proxies: 198.51.100.20\n"), "{report}");
}

#[test]
fn kb_case_after_trusting_the_suggested_entries_the_client_is_stable() {
    let mut list = vec![REMOTE.to_owned()];
    for xff in [FIRST, LATER] {
        list.extend(suggested(&json(REMOTE, xff)));
    }
    let list = list.join(",");
    for xff in [FIRST, LATER] {
        let report = json(&list, xff);
        let r = &report["resolution"];
        assert_eq!(r["documented"]["address"], "203.0.113.7", "{list} / {xff}");
        assert_eq!(r["documented"]["role"], "client");
        assert_eq!(r["all_or_nothing"]["address"], "203.0.113.7");
        assert_eq!(r["disagree"], false);
        assert!(r["crowd_log"].is_null());
        assert_eq!(report["suggestion"]["add"], serde_json::json!([]));
    }
}

#[test]
fn the_list_can_come_from_a_file_with_one_entry_per_line() {
    let dir = std::env::temp_dir().join(format!("harlens-proxies-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("trusted.txt");
    std::fs::write(&path, "192.0.2.10\n198.51.100.0/25\n").unwrap();
    let report = json(&format!("@{}", path.display()), LATER);
    assert_eq!(report["resolution"]["documented"]["address"], "203.0.113.7");
    assert_eq!(report["resolution"]["hops"][2]["trusted_by"]["text"], "198.51.100.0/25");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn json_follows_the_contract() {
    let report = json("192.0.2.10, 192.168., proxy.example.com", FIRST);
    assert_eq!(report["schema"], "harlens.proxies/1");
    assert!(report["generator"].as_str().unwrap().starts_with("harlens "));
    let entries = report["trusted"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[1]["pattern"], serde_json::json!({"kind": "wildcard", "net": "192.168.0.0/16"}));
    assert_eq!(entries[1]["at"], serde_json::json!({"line": 1, "column": 13}));
    assert_eq!(entries[2]["pattern"]["kind"], "hostname");
    assert_eq!(report["warnings"].as_array().unwrap().len(), 2);
    assert_eq!(report["request"]["remote_address"], REMOTE);
    let r = &report["resolution"];
    assert_eq!(
        r["validation_factors"],
        serde_json::json!([
            {"name": "remote_address", "value": REMOTE},
            {"name": "X-Forwarded-For", "value": FIRST},
        ])
    );
    let hops = r["hops"].as_array().unwrap();
    assert_eq!(hops.len(), 4);
    assert_eq!(hops[0]["role"], "client");
    assert_eq!(hops[0]["form"], serde_json::json!({"kind": "ip", "addr": "203.0.113.7"}));
    assert_eq!(hops[1]["trusted_by"], serde_json::json!({"index": 0, "text": "192.0.2.10"}));
    assert!(hops[2]["trusted_by"].is_null());
    assert_eq!(hops[3]["role"], "remote-address");
    assert_eq!(r["untrusted_proxies"], serde_json::json!(["198.51.100.20"]));
    assert!(r["crowd_log"].as_str().unwrap().starts_with("Proxies [198.51.100.20] are untrusted"));
    assert_eq!(report["suggestion"]["after"]["documented"], serde_json::json!(["203.0.113.7"]));
}

#[test]
fn mangled_hops_and_repeated_header_lines_are_explained() {
    let out = harlens(&[
        "proxies",
        "--trusted",
        "192.0.2.10",
        "--remote",
        "fe80::1%eth0",
        "--xff",
        "203.0.113.7, [2001:db8::17]:4711",
        "--xff",
        "198.51.100.9",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &report["resolution"];
    assert_eq!(report["request"]["remote_address"], "fe80::1");
    assert_eq!(r["hops"][1]["form"]["kind"], "bracketed-ipv6");
    assert_eq!(r["ignored_xff_hops"], serde_json::json!(["198.51.100.9"]));
    assert_eq!(report["suggestion"]["untrustable"][0]["raw"], "[2001:db8::17]:4711");
}

#[test]
fn a_bad_trusted_entry_exits_2_naming_the_entry_and_what_was_expected() {
    let out = harlens(&["proxies", "--trusted", "192.0.2.10,*.168.1.0, 192.168.01.1", "--remote", REMOTE]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr,
        "harlens: --trusted: entry 1 `*.168.1.0` (line 1, column 12): a `*` may only replace trailing \
         octets (e.g. 192.168.*.*), and only as a whole octet\n\
         harlens: --trusted: entry 2 `192.168.01.1` (line 1, column 23): octet `01` has a leading zero; \
         Crowd rejects it (write it without the zero)\n"
    );
}

#[test]
fn a_bad_entry_in_a_file_names_the_file_and_line() {
    let dir = std::env::temp_dir().join(format!("harlens-proxies-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("trusted.txt");
    std::fs::write(&path, "192.0.2.10\n  192.168.0.0/33\n").unwrap();
    let out = harlens(&["proxies", "--trusted", &format!("@{}", path.display()), "--remote", REMOTE]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let expected = "trusted.txt: entry 1 `192.168.0.0/33` (line 2, column 3): prefix `/33` is not a number \
                    from 0 to 32\n";
    assert!(stderr.ends_with(expected), "{stderr}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_bad_remote_address_or_missing_file_exits_2() {
    let out = harlens(&["proxies", "--trusted", REMOTE, "--remote", "10.444.222.10"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("harlens: --remote: remote address `10.444.222.10` is not an IP address"),
        "{stderr}"
    );

    let out = harlens(&["proxies", "--trusted", "@/nonexistent/trusted.txt", "--remote", REMOTE]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .starts_with("harlens: /nonexistent/trusted.txt: cannot read"));

    let out = harlens(&["proxies", "--remote", REMOTE]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8(out.stderr).unwrap().contains("--trusted"));
}
