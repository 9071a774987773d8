//! Page keys: what a page is made from, hashed, so that a page whose key is unchanged need not be
//! rendered again.
//!
//! A page's typed context goes through [`KeyHasher`], a serde `Serializer` that writes each value
//! into BLAKE3 in a self-delimiting form (a tag for each kind of value, lengths before texts, an end
//! mark after lists, maps and structs, field names with their values), so two different contexts
//! cannot be fed as the same bytes. Nothing is built on the way: no JSON text, no value tree. A
//! cleaned text (`Html`) is fed as its 32-byte digest, not its bytes: the same comment's HTML is
//! on several pages, and hashing it each time cost as much as rendering.

use std::cell::Cell;
use std::fmt;

use serde::ser::{self, Serialize};

/// What a page or feed is made from, hashed: its template, the theme, `site` and its own context.
///
/// Two builds that give a page the same key write the same bytes, so the later one need not render it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageKey(pub [u8; 32]);

thread_local! {
    /// True while a [`KeyHasher`] is feeding a value on this thread.
    static HASHING: Cell<bool> = const { Cell::new(false) };
}

/// Whether a page key is being made on this thread: a cleaned text then serializes as its digest.
///
/// Serde has no way to ask which serializer it is given; Tera tells its own apart the same way.
pub fn hashing() -> bool {
    HASHING.get()
}

/// How many bytes are gathered before they go to BLAKE3, which is fastest fed whole chunks.
const BLOCK: usize = 16 * 1024;

/// Feeds values into a BLAKE3 hasher in a form that tells any two of them apart.
pub struct KeyHasher {
    hasher: blake3::Hasher,
    buffer: Vec<u8>,
}

impl KeyHasher {
    /// Continues from `hasher`, which may already hold what every page shares.
    pub fn from_hasher(hasher: blake3::Hasher) -> KeyHasher {
        KeyHasher { hasher, buffer: Vec::with_capacity(BLOCK) }
    }

    /// Feeds `bytes` after their length, so that two in a row cannot be read another way.
    pub fn bytes(&mut self, bytes: &[u8]) {
        self.put(&(bytes.len() as u64).to_le_bytes());
        self.put(bytes);
    }

    /// Feeds a value: a page context, or anything else that is plain data.
    pub fn value(&mut self, value: &(impl Serialize + ?Sized)) {
        let before = HASHING.replace(true);
        let fed = value.serialize(&mut *self);
        HASHING.set(before);
        fed.expect("plain data always serializes");
    }

    /// The key of everything fed.
    pub fn finish(mut self) -> PageKey {
        self.flush();
        PageKey(*self.hasher.finalize().as_bytes())
    }

    /// The hasher with everything fed, to be continued (cloned) for each page.
    pub fn into_hasher(mut self) -> blake3::Hasher {
        self.flush();
        self.hasher
    }

    fn put(&mut self, bytes: &[u8]) {
        if self.buffer.len() + bytes.len() > BLOCK {
            self.flush();
        }
        if bytes.len() >= BLOCK {
            self.hasher.update(bytes);
        } else {
            self.buffer.extend_from_slice(bytes);
        }
    }

    fn flush(&mut self) {
        self.hasher.update(&self.buffer);
        self.buffer.clear();
    }

    fn tag(&mut self, tag: u8) {
        self.put(&[tag]);
    }

    fn tagged(&mut self, tag: u8, bytes: &[u8]) {
        self.tag(tag);
        self.put(bytes);
    }
}

/// Every kind of value starts with its own tag.
mod tag {
    pub const BOOL: u8 = 1;
    pub const INT: u8 = 2;
    pub const UINT: u8 = 3;
    pub const FLOAT: u8 = 4;
    pub const CHAR: u8 = 5;
    pub const STR: u8 = 6;
    pub const BYTES: u8 = 7;
    pub const NONE: u8 = 8;
    pub const SOME: u8 = 9;
    pub const UNIT: u8 = 10;
    pub const VARIANT: u8 = 11;
    pub const NEWTYPE: u8 = 12;
    pub const SEQ: u8 = 13;
    pub const MAP: u8 = 14;
    pub const STRUCT: u8 = 15;
    pub const FIELD: u8 = 16;
    pub const END: u8 = 17;
}

/// A value the hasher cannot take; plain data never makes one.
#[derive(Debug)]
pub struct Unhashable(String);

impl fmt::Display for Unhashable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unhashable {}

impl ser::Error for Unhashable {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Unhashable(message.to_string())
    }
}

type Fed = Result<(), Unhashable>;

impl ser::Serializer for &mut KeyHasher {
    type Ok = ();
    type Error = Unhashable;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Fed {
        self.tagged(tag::BOOL, &[u8::from(v)]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Fed {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Fed {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Fed {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Fed {
        self.tagged(tag::INT, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Fed {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Fed {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Fed {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Fed {
        self.tagged(tag::UINT, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Fed {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Fed {
        self.tagged(tag::FLOAT, &v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Fed {
        self.tagged(tag::CHAR, &u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Fed {
        self.tag(tag::STR);
        self.bytes(v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Fed {
        self.tag(tag::BYTES);
        self.bytes(v);
        Ok(())
    }
    fn serialize_none(self) -> Fed {
        self.tag(tag::NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Fed {
        self.tag(tag::SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Fed {
        self.tag(tag::UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Fed {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _name: &'static str, index: u32, _variant: &'static str) -> Fed {
        self.tagged(tag::VARIANT, &index.to_le_bytes());
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Fed {
        self.tag(tag::NEWTYPE);
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Fed {
        self.tagged(tag::VARIANT, &index.to_le_bytes());
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, Unhashable> {
        self.tag(tag::SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Unhashable> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, Unhashable> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self, Unhashable> {
        self.tagged(tag::VARIANT, &index.to_le_bytes());
        self.tag(tag::SEQ);
        Ok(self)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, Unhashable> {
        self.tag(tag::MAP);
        Ok(self)
    }
    fn serialize_struct(self, name: &'static str, _len: usize) -> Result<Self, Unhashable> {
        self.tag(tag::STRUCT);
        self.bytes(name.as_bytes());
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self, Unhashable> {
        self.tagged(tag::VARIANT, &index.to_le_bytes());
        self.tag(tag::STRUCT);
        Ok(self)
    }
}

impl KeyHasher {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Fed {
        value.serialize(self)
    }

    fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Fed {
        // Named, so that a field left out cannot make one struct read as another.
        self.tag(tag::FIELD);
        self.bytes(name.as_bytes());
        value.serialize(self)
    }

    fn end(&mut self) -> Fed {
        self.tag(tag::END);
        Ok(())
    }
}

impl ser::SerializeSeq for &mut KeyHasher {
    type Ok = ();
    type Error = Unhashable;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Fed {
        self.element(value)
    }
    fn end(self) -> Fed {
        KeyHasher::end(self)
    }
}

impl ser::SerializeTuple for &mut KeyHasher {
    type Ok = ();
    type Error = Unhashable;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Fed {
        self.element(value)
    }
    fn end(self) -> Fed {
        KeyHasher::end(self)
    }
}

impl ser::SerializeTupleStruct for &mut KeyHasher {
    type Ok = ();
    type Error = Unhashable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Fed {
        self.element(value)
    }
    fn end(self) -> Fed {
        KeyHasher::end(self)
    }
}

impl ser::SerializeTupleVariant for &mut KeyHasher {
    type Ok = ();
    type Error = Unhashable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Fed {
        self.element(value)
    }
    fn end(self) -> Fed {
        KeyHasher::end(self)
    }
}

impl ser::SerializeMap for &mut KeyHasher {
    type Ok = ();
    type Error = Unhashable;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Fed {
        self.element(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Fed {
        self.element(value)
    }
    fn end(self) -> Fed {
        KeyHasher::end(self)
    }
}

impl ser::SerializeStruct for &mut KeyHasher {
    type Ok = ();
    type Error = Unhashable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Fed {
        self.field(name, value)
    }
    fn skip_field(&mut self, _name: &'static str) -> Fed {
        Ok(())
    }
    fn end(self) -> Fed {
        KeyHasher::end(self)
    }
}

impl ser::SerializeStructVariant for &mut KeyHasher {
    type Ok = ();
    type Error = Unhashable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Fed {
        self.field(name, value)
    }
    fn end(self) -> Fed {
        KeyHasher::end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::sanitize::Html;
    use serde::Serialize;

    fn key(value: &impl Serialize) -> PageKey {
        let mut hasher = KeyHasher::from_hasher(blake3::Hasher::new());
        hasher.value(value);
        hasher.finish()
    }

    #[derive(Serialize)]
    struct Card<'a> {
        title: &'a str,
        note: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        left: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        right: Option<&'a str>,
        tags: Vec<&'a str>,
        body: Option<&'a Html>,
    }

    fn card() -> Card<'static> {
        Card { title: "a", note: None, left: None, right: None, tags: vec!["x", "y"], body: None }
    }

    #[test]
    fn equal_values_give_equal_keys_and_any_change_another() {
        let base = key(&card());
        assert_eq!(base, key(&card()));
        let changed = [
            Card { title: "b", ..card() },
            Card { note: Some(""), ..card() },
            Card { tags: vec!["xy"], ..card() },
            Card { tags: vec!["x", "y", ""], ..card() },
            Card { tags: vec![], title: "ax", ..card() },
            Card { left: Some("q"), ..card() },
        ];
        let mut keys: Vec<PageKey> = changed.iter().map(key).collect();
        keys.push(base);
        keys.push(key(&Card { right: Some("q"), ..card() }));
        let count = keys.len();
        keys.sort_by_key(|k| k.0);
        keys.dedup();
        assert_eq!(keys.len(), count, "a field left out on one side cannot pass for another");
    }

    #[test]
    fn a_cleaned_text_counts_by_its_digest_and_only_while_hashing() {
        let html = Html::from_text("<p>Hello</p>".to_string());
        let other = Html::from_text("<p>Hullo</p>".to_string());
        let with = |body| key(&Card { body: Some(body), ..card() });
        let same = Html::from_text("<p>Hello</p>".to_string());
        assert_eq!(with(&html), with(&same));
        assert_ne!(with(&html), with(&other));
        assert!(!hashing());
        let json = serde_json::to_string(&html).unwrap();
        assert_eq!(json, "\"<p>Hello</p>\"", "elsewhere it is its text");
    }
}
