//! Sharing of strings that repeat from record to record (a user agent, a referer, an address, a thread name):
//! a long access log holds the same few hundred values hundreds of thousands of times.

use std::collections::HashSet;
use std::sync::Arc;

use super::access::AccessRecord;
use super::app::{AppLogRecord, Factors};

/// Distinct values kept per input. A log with more (unique query strings in referers, say) shares the first
/// ones and stores the rest per record, as if there were no sharing: memory stays bounded either way.
const MAX_SHARED: usize = 16 * 1024;

#[derive(Debug, Default)]
pub struct Interner {
    values: HashSet<Arc<str>>,
}

impl Interner {
    fn share(&mut self, value: &mut Arc<str>) {
        if let Some(shared) = self.values.get(&**value) {
            *value = Arc::clone(shared);
        } else if self.values.len() < MAX_SHARED {
            self.values.insert(Arc::clone(value));
        }
    }

    fn share_opt(&mut self, value: &mut Option<Arc<str>>) {
        if let Some(value) = value {
            self.share(value);
        }
    }

    fn factors(&mut self, factors: &mut Factors) {
        self.share_opt(&mut factors.remote_address);
        self.share_opt(&mut factors.xff);
    }

    pub fn access(&mut self, r: &mut AccessRecord) {
        self.share(&mut r.peer_ip);
        for field in [
            &mut r.user,
            &mut r.method,
            &mut r.protocol,
            &mut r.referer,
            &mut r.user_agent,
            &mut r.asession_id,
        ] {
            self.share_opt(field);
        }
    }

    pub fn app(&mut self, r: &mut AppLogRecord) {
        self.share(&mut r.thread);
        self.share(&mut r.logger);
        for field in [&mut r.user, &mut r.asession_id, &mut r.url] {
            self.share_opt(field);
        }
        self.factors(&mut r.ipaddr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::parse_access_line;

    #[test]
    fn equal_values_share_one_allocation() {
        let line = r#"10.0.0.1 1x1x1 bob [19/Oct/2021:11:56:47 -0500] "GET /a HTTP/1.1" 200 5 1 "https://x/" "Mozilla/5.0" "s1""#;
        let mut interner = Interner::default();
        let mut a = parse_access_line(1, line).unwrap();
        let mut b = parse_access_line(2, &line.replace("/a", "/b")).unwrap();
        interner.access(&mut a);
        interner.access(&mut b);
        assert!(Arc::ptr_eq(&a.peer_ip, &b.peer_ip));
        assert!(Arc::ptr_eq(a.user_agent.as_ref().unwrap(), b.user_agent.as_ref().unwrap()));
        assert_eq!(a.url.as_deref(), Some("/a"));
        assert_eq!(b.url.as_deref(), Some("/b"));
    }
}
