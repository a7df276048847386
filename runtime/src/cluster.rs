//! Redis Cluster: hash slots of keys, and the check that a script's keys share one.
//!
//! A cluster splits the key space into 16384 hash slots and runs a script on the node that
//! owns the slot of its keys, so all the keys a call declares must be in one slot. The
//! slot of a key is `CRC16(key) mod 16384`, where only the *hash tag* counts when the key
//! has one: the text between the first `{` and the next `}`, if not empty
//! (`{user1}:balance` and `{user1}:history` share the slot of `user1`).

use std::fmt;

use redis::Arg;

/// The number of hash slots of a Redis Cluster.
pub const SLOT_COUNT: u16 = 16384;

/// The hash slot of `key`, as `CLUSTER KEYSLOT` computes it.
///
/// ```
/// use redis_script::cluster::key_slot;
///
/// assert_eq!(key_slot(b"user:1"), 10778);
/// assert_eq!(key_slot(b"{user1}:balance"), key_slot(b"{user1}:history"));
/// ```
pub fn key_slot(key: &[u8]) -> u16 {
    crc16(hash_tag(key).unwrap_or(key)) % SLOT_COUNT
}

/// The part of `key` that decides its slot when it has one: between the first `{` and the
/// next `}`, if that is not empty.
fn hash_tag(key: &[u8]) -> Option<&[u8]> {
    let open = key.iter().position(|&b| b == b'{')?;
    let rest = &key[open + 1..];
    let close = rest.iter().position(|&b| b == b'}')?;
    (close > 0).then(|| &rest[..close])
}

/// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), the checksum Redis Cluster
/// hashes keys with.
fn crc16(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    for &byte in bytes {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// A key of a call and its hash slot, for [`ErrorKind::CrossSlot`](crate::ErrorKind::CrossSlot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySlot {
    /// The key (invalid UTF-8 replaced).
    pub key: String,
    /// Its hash slot.
    pub slot: u16,
}

impl fmt::Display for KeySlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` (slot {})", self.key, self.slot)
    }
}

/// `EVAL "return 0" 1 <key>`: a call that does nothing, routed by the slot of `key` to its
/// primary. Put first in a pipeline, it takes the pipeline to that node: redis-rs's sync
/// cluster client routes a pipeline by its first command.
#[cfg(feature = "cluster")]
pub(crate) fn slot_probe(key: &[u8]) -> redis::Cmd {
    let mut cmd = redis::cmd("EVAL");
    cmd.arg("return 0").arg(1).arg(key);
    cmd
}

/// The slot shared by every key of `calls`, each the words of a call as sent
/// (`EVALSHA <sha1> <numkeys> keys... args...`) with its number of keys: `Ok(None)` without
/// keys, `Err` with every key and its slot when they differ. Slots are computed without
/// allocating; the keys are copied only for the error.
pub(crate) fn shared_slot<'a, W>(
    calls: impl IntoIterator<Item = (W, usize)> + Clone,
) -> Result<Option<u16>, Vec<KeySlot>>
where
    W: IntoIterator<Item = Arg<&'a [u8]>>,
{
    let mut slots = all_keys(calls.clone()).map(key_slot);
    let Some(slot) = slots.next() else {
        return Ok(None);
    };
    if slots.all(|other| other == slot) {
        return Ok(Some(slot));
    }
    Err(key_slots(calls))
}

/// Every key of `calls` with its slot.
pub(crate) fn key_slots<'a, W>(calls: impl IntoIterator<Item = (W, usize)>) -> Vec<KeySlot>
where
    W: IntoIterator<Item = Arg<&'a [u8]>>,
{
    all_keys(calls)
        .map(|key| KeySlot {
            key: String::from_utf8_lossy(key).into_owned(),
            slot: key_slot(key),
        })
        .collect()
}

/// The keys of `calls`, in order.
fn all_keys<'a, W>(calls: impl IntoIterator<Item = (W, usize)>) -> impl Iterator<Item = &'a [u8]>
where
    W: IntoIterator<Item = Arg<&'a [u8]>>,
{
    calls
        .into_iter()
        .flat_map(|(words, num_keys)| crate::invocation::keys(words, num_keys))
}

/// The slot an ordinary command is sent to in a batch across slots: that of its first
/// argument, the key of most commands (`GET`, `SET`, `HSET`, `INCR`...); `None` for a
/// command without arguments. A guess that is wrong costs a redirection, not a mistake:
/// the node answers `MOVED` without running the command, and it is sent where it belongs.
pub(crate) fn command_slot<'a>(
    words: impl IntoIterator<Item = redis::Arg<&'a [u8]>>,
) -> Option<u16> {
    words.into_iter().nth(1).and_then(|word| match word {
        redis::Arg::Simple(key) => Some(key_slot(key)),
        _ => None,
    })
}

#[cfg(feature = "cluster")]
/// The primary of `slot` (any primary without a slot): where a batch in one slot goes, and
/// a library's load.
pub(crate) fn primary_of(slot: Option<u16>) -> redis::cluster_routing::SingleNodeRoutingInfo {
    use redis::cluster_routing::{Route, SingleNodeRoutingInfo, SlotAddr};
    match slot {
        Some(slot) => SingleNodeRoutingInfo::SpecificNode(Route::new(slot, SlotAddr::Master)),
        None => SingleNodeRoutingInfo::RandomPrimary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_match_redis_for_known_keys() {
        // Values from `CLUSTER KEYSLOT` of Redis 7.0 (tests/cluster.rs checks many more
        // against a live cluster).
        assert_eq!(key_slot(b""), 0);
        assert_eq!(key_slot(b"a"), 15495);
        assert_eq!(key_slot(b"b"), 3300);
        assert_eq!(key_slot(b"user:1"), 10778);
        assert_eq!(key_slot(b"user:2"), 6777);
        assert_eq!(crc16(b"123456789"), 0x31C3);
    }

    #[test]
    fn only_a_non_empty_hash_tag_counts() {
        assert_eq!(key_slot(b"{user1}:a"), key_slot(b"user1"));
        assert_eq!(key_slot(b"x{user1}y{z}"), key_slot(b"user1"));
        // `{}` is no tag: the whole key counts.
        assert_eq!(key_slot(b"{}user1"), crc16(b"{}user1") % SLOT_COUNT);
        // An unclosed brace is no tag.
        assert_eq!(key_slot(b"{user1"), crc16(b"{user1") % SLOT_COUNT);
        // The tag ends at the first `}` after the first `{`.
        assert_eq!(key_slot(b"{a}b}"), key_slot(b"a"));
        assert_eq!(key_slot(b"{{a}}"), key_slot(b"{a"));
    }

    #[test]
    fn shared_slot_of_a_command() {
        let mut cmd = redis::cmd("EVALSHA");
        cmd.arg("sha")
            .arg(2)
            .arg("{u}:a")
            .arg("{u}:b")
            .arg("not-a-key");
        assert_eq!(
            shared_slot([(cmd.args_iter(), 2)]),
            Ok(Some(key_slot(b"u")))
        );
        assert_eq!(shared_slot([(cmd.args_iter(), 0)]), Ok(None));

        let mut cmd = redis::cmd("EVALSHA");
        cmd.arg("sha").arg(2).arg("a").arg("b");
        let keys = shared_slot([(cmd.args_iter(), 2)]).unwrap_err();
        assert_eq!(
            keys,
            [
                KeySlot {
                    key: "a".into(),
                    slot: 15495
                },
                KeySlot {
                    key: "b".into(),
                    slot: 3300
                }
            ]
        );
    }
}
