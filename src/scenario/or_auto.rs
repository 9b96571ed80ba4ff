//! `OrAuto`: how a protocol parameter is written, as a number or as `"auto"`. Its own file
//! because the scenario's schema holds such fields and `auto.rs`, which resolves them, reads
//! that schema.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A protocol parameter written as a number or as `"auto"` (left to `pekonode advise`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrAuto<T> {
    /// The number as written (0 = PekoNode's default, as everywhere in the block).
    Value(T),
    /// `"auto"`: resolved at validation ([`Scenario::advised`](super::Scenario::advised)).
    Auto,
}

impl<T: Default> Default for OrAuto<T> {
    fn default() -> Self {
        OrAuto::Value(T::default())
    }
}

impl<T: Copy + Default> OrAuto<T> {
    /// The number, or the default (0) for `"auto"` before it is resolved.
    pub fn value_or_default(self) -> T {
        match self {
            OrAuto::Value(v) => v,
            OrAuto::Auto => T::default(),
        }
    }

    /// Whether it is `"auto"`.
    pub fn is_auto(self) -> bool {
        matches!(self, OrAuto::Auto)
    }
}

impl<T: Serialize> Serialize for OrAuto<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OrAuto::Value(v) => v.serialize(s),
            OrAuto::Auto => s.serialize_str("auto"),
        }
    }
}

struct OrAutoVisitor<T>(PhantomData<T>);

impl<T: TryFrom<u64>> Visitor<'_> for OrAutoVisitor<T> {
    type Value = OrAuto<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bits = std::mem::size_of::<T>() * 8;
        write!(f, "u{bits} or \"auto\"")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::try_from(v)
            .map(OrAuto::Value)
            .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => Err(E::invalid_value(Unexpected::Signed(v), &self)),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Err(E::invalid_type(Unexpected::Float(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v == "auto" {
            Ok(OrAuto::Auto)
        } else {
            Err(E::invalid_value(Unexpected::Str(v), &self))
        }
    }
}

impl<'de, T: TryFrom<u64>> Deserialize<'de> for OrAuto<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(OrAutoVisitor(PhantomData))
    }
}

impl<T: JsonSchema> JsonSchema for OrAuto<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("{}OrAuto", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let number = generator.subschema_for::<T>();
        json_schema!({
            "anyOf": [
                number,
                {
                    "description": "Advised by `pekonode advise` for the scenario's nodes, cycle and loss (first-copy forwarding only).",
                    "type": "string",
                    "const": "auto"
                }
            ]
        })
    }
}
