//! Test inputs shared by the emulator's tests and the provider's acceptance tests.

/// The smallest valid zip archive (an empty one), with `tag` as its comment so different
/// tags give different code hashes (`CodeSha256`).
pub fn zip_package(tag: &str) -> Vec<u8> {
    // End-of-central-directory record: signature, 16 bytes of zero counts and offsets,
    // then the comment's length and the comment.
    let mut bytes = b"PK\x05\x06".to_vec();
    bytes.extend_from_slice(&[0; 16]);
    bytes.extend_from_slice(&(tag.len() as u16).to_le_bytes());
    bytes.extend_from_slice(tag.as_bytes());
    bytes
}
