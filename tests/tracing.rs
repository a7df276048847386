//! The `tracing` feature: a span per invocation with the script, its key count, outcome and
//! duration, and an event when NOSCRIPT makes it load the script. A small recording
//! subscriber stands in for a real one.

use std::fmt::{Debug, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use redis_script::testing::RedisServer;
use redis_script_examples::{RateLimiter, Transfer};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Records spans, field updates and events as text lines.
#[derive(Clone, Default)]
struct Recorder {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: Arc<AtomicU64>,
}

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl Recorder {
    fn push(&self, line: String) {
        self.lines.lock().unwrap().push(line);
    }

    fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut fields = Fields(format!("span {}", attributes.metadata().name()));
        attributes.record(&mut fields);
        self.push(fields.0);
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut fields = Fields("record".to_owned());
        values.record(&mut fields);
        self.push(fields.0);
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields("event".to_owned());
        event.record(&mut fields);
        self.push(fields.0);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[test]
fn a_call_is_a_span_and_a_reload_an_event() {
    let server = RedisServer::start();
    let mut con = server.connection();
    let recorder = Recorder::default();
    tracing::subscriber::with_default(recorder.clone(), || {
        RateLimiter::call("traced", 5, 60).invoke(&mut con).unwrap();
        Transfer::call("empty", "other", 1)
            .invoke(&mut con)
            .unwrap_err();
    });
    let lines = recorder.lines();
    let expected_span = format!(
        "span redis_script script=\"RateLimiter\" sha1=\"{}\" keys=1",
        RateLimiter::SHA1
    );
    assert_eq!(lines[0], expected_span, "{lines:#?}");
    assert!(
        lines[1].starts_with("event message=NOSCRIPT: loading the script"),
        "{lines:#?}"
    );
    assert_eq!(lines[2], "record outcome=\"ok\"", "{lines:#?}");
    assert!(lines[3].starts_with("record micros="), "{lines:#?}");
    assert!(
        lines[4].starts_with("event message=script call finished outcome=\"ok\" micros="),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(
            |l| l.starts_with("span redis_script script=\"Transfer\"") && l.ends_with("keys=2")
        )
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("record outcome=\"error_reply\"")),
        "{lines:#?}"
    );
}
