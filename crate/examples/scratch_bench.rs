#![allow(clippy::unwrap_used, clippy::print_stdout)]
use std::io::Read;
fn main() {
    for path in std::env::args().skip(1) {
        let start = std::time::Instant::now();
        let mut file = std::fs::File::open(&path).unwrap();
        let mut collector = harlens::logs::LogCollector::new();
        collector.begin_input(&path);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = file.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            collector.push(&buf[..n]).unwrap();
        }
        collector.end_input().unwrap();
        let p = collector.finish();
        let i = &p.inputs[0];
        println!(
            "{path}: {} bytes {} lines access={} app={} validations={} in {:?}",
            i.bytes,
            i.lines,
            i.access.len(),
            i.app.len(),
            p.validations.len(),
            start.elapsed()
        );
    }
}
