//! Tracing of invocations (feature `tracing`): one span per call with the script's name,
//! SHA1, key count, outcome and duration, and an event when `NOSCRIPT` makes it load the
//! script. Without the feature these are empty inline functions: no cost.

use crate::error::Error;
use crate::meta::ScriptMeta;

/// The span of one invocation. With no subscriber listening, the span is disabled and the
/// clock is not read.
#[cfg(feature = "tracing")]
pub(crate) struct Trace {
    span: tracing::Span,
    started: Option<std::time::Instant>,
}

#[cfg(feature = "tracing")]
impl Trace {
    pub(crate) fn start(meta: &ScriptMeta, keys: usize) -> Self {
        let span = tracing::debug_span!(
            "redis_script",
            script = meta.name(),
            sha1 = meta.sha1(),
            keys,
            outcome = tracing::field::Empty,
            micros = tracing::field::Empty,
        );
        let started = (!span.is_disabled()).then(std::time::Instant::now);
        Self { span, started }
    }

    pub(crate) fn noscript(&self, meta: &ScriptMeta) {
        tracing::debug!(
            parent: &self.span,
            script = meta.name(),
            "NOSCRIPT: loading the script, then sending it again"
        );
    }

    pub(crate) fn finish<T>(self, result: &Result<T, Error>) {
        let Some(started) = self.started else {
            return;
        };
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        let outcome = match result {
            Ok(_) => "ok",
            Err(error) => error.kind().label(),
        };
        self.span.record("outcome", outcome);
        self.span.record("micros", micros);
        tracing::debug!(parent: &self.span, outcome, micros, "script call finished");
    }
}

/// Without the `tracing` feature: nothing.
#[cfg(not(feature = "tracing"))]
pub(crate) struct Trace;

#[cfg(not(feature = "tracing"))]
impl Trace {
    #[inline(always)]
    pub(crate) fn start(_meta: &ScriptMeta, _keys: usize) -> Self {
        Self
    }

    #[inline(always)]
    pub(crate) fn noscript(&self, _meta: &ScriptMeta) {}

    #[inline(always)]
    pub(crate) fn finish<T>(self, _result: &Result<T, Error>) {}
}
