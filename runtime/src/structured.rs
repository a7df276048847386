//! Structured values: `json` and `msgpack` entries and replies, as serde types.
//!
//! A `json` argument takes any `&T where T: Serialize` and is written as JSON straight into
//! the command's buffer (a `msgpack` one as MessagePack, structs as maps so the script
//! reads their fields by name); a `json` reply comes back as [`Json<T>`] for the `T:
//! DeserializeOwned` the caller picks. The `json` feature brings serde_json, the `msgpack`
//! feature rmp-serde; without them the types exist but a script that uses them does not
//! build, with a message naming the feature.

use std::fmt;
use std::ops::{Deref, DerefMut};

use redis::{FromRedisValue, ParsingError, Value};

/// A reply declared `json`, decoded into `T`: `Worker::call(...).invoke(&mut con)?.0`, or
/// through `Deref`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Json<T>(pub T);

/// A reply declared `msgpack`, decoded into `T`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Msgpack<T>(pub T);

macro_rules! wrapper {
    ($name:ident) => {
        impl<T> $name<T> {
            /// The decoded value.
            pub fn into_inner(self) -> T {
                self.0
            }
        }

        impl<T> Deref for $name<T> {
            type Target = T;
            fn deref(&self) -> &T {
                &self.0
            }
        }

        impl<T> DerefMut for $name<T> {
            fn deref_mut(&mut self) -> &mut T {
                &mut self.0
            }
        }
    };
}

wrapper!(Json);
wrapper!(Msgpack);

/// How the message of a reply that does not decode starts.
pub(crate) const UNDECODED: &str = "a reply that does not decode";

/// A string reply decoded with `decode`, or why it is not one (`codec` names the
/// encoding in messages, which show the first bytes received: as text when they are,
/// else as hexadecimal bytes).
#[cfg_attr(not(any(feature = "json", feature = "msgpack")), allow(dead_code))]
fn decoded<T, E: fmt::Display>(
    value: Value,
    codec: &str,
    decode: impl FnOnce(&[u8]) -> Result<T, E>,
) -> Result<T, ParsingError> {
    let bytes = match value {
        Value::BulkString(bytes) => bytes,
        Value::SimpleString(text) | Value::VerbatimString { text, .. } => text.into_bytes(),
        other => return Err(format!("expected a string holding {codec}, got {other:?}").into()),
    };
    decode(&bytes).map_err(|error| {
        const SHOWN: usize = 48;
        let start = &bytes[..bytes.len().min(SHOWN)];
        let shown = match std::str::from_utf8(start) {
            Ok(text) => format!("{text:?}"),
            Err(_) => start
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect::<Vec<_>>()
                .join(" "),
        };
        let more = if bytes.len() > SHOWN { " ..." } else { "" };
        format!(
            "{UNDECODED} as {codec} into the type asked for: {error}; it starts with \
             {shown}{more} ({} byte{})",
            bytes.len(),
            if bytes.len() == 1 { "" } else { "s" }
        )
        .into()
    })
}

#[cfg(feature = "json")]
mod json {
    use super::*;

    impl<T: serde::de::DeserializeOwned> FromRedisValue for Json<T> {
        fn from_redis_value(value: Value) -> Result<Self, ParsingError> {
            decoded(value, "JSON", |bytes| serde_json::from_slice(bytes)).map(Json)
        }
    }

    /// Writes `value` as JSON: the argument `entry` of `call`.
    pub fn push_json<R, T: serde::Serialize + ?Sized>(
        call: &mut crate::ScriptCall<R>,
        value: &T,
        entry: &'static str,
    ) {
        call.push_encoded(entry, |out| {
            serde_json::to_writer(out, value).map_err(|error| format!("as JSON: {error}"))
        });
    }
}

#[cfg(feature = "msgpack")]
mod msgpack {
    use super::*;

    impl<T: serde::de::DeserializeOwned> FromRedisValue for Msgpack<T> {
        fn from_redis_value(value: Value) -> Result<Self, ParsingError> {
            decoded(value, "MessagePack", |bytes| rmp_serde::from_slice(bytes)).map(Msgpack)
        }
    }

    /// Writes `value` as MessagePack, structs as maps of their field names: the argument
    /// `entry` of `call`.
    pub fn push_msgpack<R, T: serde::Serialize + ?Sized>(
        call: &mut crate::ScriptCall<R>,
        value: &T,
        entry: &'static str,
    ) {
        call.push_encoded(entry, |out| {
            let mut out = out;
            rmp_serde::encode::write_named(&mut out, value)
                .map_err(|error| format!("as MessagePack: {error}"))
        });
    }
}

/// Without its feature, a `json` reply cannot be decoded (the build already failed).
#[cfg(not(feature = "json"))]
impl<T> FromRedisValue for Json<T> {
    fn from_redis_value(_: Value) -> Result<Self, ParsingError> {
        Err("JSON replies need the `json` feature of redis-script".into())
    }
}

/// Without its feature, a `msgpack` reply cannot be decoded (the build already failed).
#[cfg(not(feature = "msgpack"))]
impl<T> FromRedisValue for Msgpack<T> {
    fn from_redis_value(_: Value) -> Result<Self, ParsingError> {
        Err("MessagePack replies need the `msgpack` feature of redis-script".into())
    }
}

/// What the generated code uses for `json` and `msgpack`, real with the features and
/// stand-ins without them (so the only error is the one naming the feature).
pub mod contract {
    #[cfg(feature = "json")]
    pub use super::json::push_json;
    #[cfg(feature = "msgpack")]
    pub use super::msgpack::push_msgpack;
    #[cfg(any(feature = "json", feature = "msgpack"))]
    pub use serde::{Serialize, de::DeserializeOwned};

    /// Stand-ins when neither feature is on: every type has them, so the only error of a
    /// script that needs a feature is the one naming it.
    #[cfg(not(any(feature = "json", feature = "msgpack")))]
    mod stand_in {
        /// Stands for `serde::Serialize`.
        pub trait Serialize {}
        impl<T: ?Sized> Serialize for T {}
        /// Stands for `serde::de::DeserializeOwned`.
        pub trait DeserializeOwned {}
        impl<T> DeserializeOwned for T {}
    }
    #[cfg(not(any(feature = "json", feature = "msgpack")))]
    pub use stand_in::{DeserializeOwned, Serialize};

    /// Stands for the `json` feature's `push_json`.
    #[cfg(not(feature = "json"))]
    pub fn push_json<R, T: Serialize + ?Sized>(
        _: &mut crate::ScriptCall<R>,
        _: &T,
        _: &'static str,
    ) {
    }

    /// Stands for the `msgpack` feature's `push_msgpack`.
    #[cfg(not(feature = "msgpack"))]
    pub fn push_msgpack<R, T: Serialize + ?Sized>(
        _: &mut crate::ScriptCall<R>,
        _: &T,
        _: &'static str,
    ) {
    }
}

/// Fails the build of a script that declares `json` values when the `json` feature is off.
#[cfg(feature = "json")]
#[doc(hidden)]
#[macro_export]
macro_rules! __redis_script_require_json {
    ($path:literal) => {};
}

/// Fails the build of a script that declares `json` values when the `json` feature is off.
#[cfg(not(feature = "json"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __redis_script_require_json {
    ($path:literal) => {
        ::core::compile_error!(::core::concat!(
            $path,
            " declares `json` values: enable the `json` feature of redis-script \
             (redis-script = { version = \"0.1\", features = [\"json\"] })"
        ));
    };
}

/// Fails the build of a script that declares `msgpack` values when the `msgpack` feature
/// is off.
#[cfg(feature = "msgpack")]
#[doc(hidden)]
#[macro_export]
macro_rules! __redis_script_require_msgpack {
    ($path:literal) => {};
}

/// Fails the build of a script that declares `msgpack` values when the `msgpack` feature
/// is off.
#[cfg(not(feature = "msgpack"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __redis_script_require_msgpack {
    ($path:literal) => {
        ::core::compile_error!(::core::concat!(
            $path,
            " declares `msgpack` values: enable the `msgpack` feature of redis-script \
             (redis-script = { version = \"0.1\", features = [\"msgpack\"] })"
        ));
    };
}
