#![allow(clippy::unwrap_used, clippy::print_stdout)]
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap();
        match harlens::logs::parse_bytes(&path, &bytes) {
            Err(e) => println!("ERR {e}"),
            Ok(p) => {
                let i = &p.inputs[0];
                println!("{path}: {:?} lines={} access={} app={} wire={} validations={} untrusted={} warnings={:?}", i.kind, i.lines, i.access.len(), i.app.len(), i.wire_lines, p.validations.len(), p.untrusted_proxies.len(), i.warnings);
                for v in p
                    .validations
                    .iter()
                    .filter(|v| v.request_ipaddr != v.factors && !v.request_ipaddr.is_empty())
                {
                    println!("  MISMATCH {:?} vs {:?}", v.request_ipaddr, v.factors);
                    println!(
                        "  {} l{} {:?} {:?} tok={:?} st={:?} {:?} {:?} user={:?} rid={:?} f={:?}/{:?}",
                        v.time,
                        v.first_line,
                        v.operation,
                        v.connection,
                        v.token,
                        v.status,
                        v.reason,
                        v.message,
                        v.user,
                        v.request_id,
                        v.factors.remote_address,
                        v.factors.xff
                    );
                }
            }
        }
    }
}
