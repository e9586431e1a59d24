//! Deployment packages: the code source of CreateFunction and
//! UpdateFunctionCode (exactly one of `ZipFile`, `S3Bucket`+`S3Key`
//! (+`S3ObjectVersion`) or `ImageUri`, matching the `PackageType`), the
//! `CodeSha256`/`CodeSize` it gives, and the `Code` location GetFunction
//! reports.
//!
//! The emulator has no S3 and no ECR, so what AWS would read from them is
//! derived from the reference itself, deterministically: the same bucket,
//! key and version (or image URI) always give the same hash and size, and a
//! different one gives a different hash, which is what clients compare.

use base64::Engine as _;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::{LambdaError, optional_str_member};
use crate::ec2;
use crate::model::rest::decode_blob;
use crate::state::{Function, FunctionVersion};

/// The package type of functions created without one.
pub(super) const DEFAULT_PACKAGE_TYPE: &str = "Zip";

/// A deployment package as the API reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Package {
    /// `CodeSha256`: base64 SHA-256 of the zip, or the image digest (hex).
    pub sha256: String,
    /// `CodeSize` in bytes (0 for images, as AWS reports).
    pub size: u64,
    /// Where the code came from (`ImageUri`, S3 location, KMS key), kept in
    /// the state and used by [`location`].
    pub source: Map<String, Value>,
}

/// Base64 SHA-256, the form of `CodeSha256` for zip packages.
pub(super) fn sha256_b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes))
}

fn invalid(message: &str) -> LambdaError {
    LambdaError::InvalidParameterValue(message.into())
}

/// Reads the code source of a `FunctionCode` (CreateFunction) or of an
/// UpdateFunctionCode request, which carries the same members, for a
/// function of `package_type`.
pub(super) fn package(code: &Value, package_type: &str) -> Result<Package, LambdaError> {
    let zip = optional_str_member(code, "ZipFile");
    let bucket = optional_str_member(code, "S3Bucket");
    let key = optional_str_member(code, "S3Key");
    let object_version = optional_str_member(code, "S3ObjectVersion");
    let image = optional_str_member(code, "ImageUri");
    let s3 = bucket.is_some() || key.is_some() || object_version.is_some();
    let mut package = if package_type == "Image" {
        let Some(uri) = image else {
            return Err(invalid(
                "Please provide ImageUri when updating a function with packageType Image.",
            ));
        };
        if zip.is_some() || s3 {
            return Err(invalid(
                "Please don't provide ImageUri with other FunctionCode parameters.",
            ));
        }
        image_package(uri)?
    } else {
        if image.is_some() {
            return Err(invalid(
                "Please don't provide ImageUri when updating a function with packageType Zip.",
            ));
        }
        match (zip, s3) {
            (Some(_), true) => {
                return Err(invalid(
                    "Please do not provide other FunctionCode parameters when providing a ZipFile.",
                ));
            }
            (Some(b64), false) => zip_package(b64)?,
            (None, true) => match (bucket, key) {
                (Some(b), Some(k)) => s3_package(b, k, object_version),
                _ => {
                    return Err(invalid(
                        "Please provide both S3Bucket and S3Key when specifying code in S3.",
                    ));
                }
            },
            (None, false) => {
                return Err(invalid(
                    "Please provide a source for function code: ZipFile, S3Bucket and S3Key, or ImageUri.",
                ));
            }
        }
    };
    // Empty: AWS's own key, which AWS does not name in its answers.
    if let Some(kms) = optional_str_member(code, "SourceKMSKeyArn").filter(|k| !k.is_empty()) {
        package.source.insert("SourceKMSKeyArn".into(), json!(kms));
    }
    Ok(package)
}

fn zip_package(b64: &str) -> Result<Package, LambdaError> {
    let bytes = decode_blob(b64)?;
    // A zip archive starts with a local file header, or is empty (end of
    // central directory only).
    if !(bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")) {
        return Err(invalid(
            "Could not unzip uploaded file. Please check your file, then try to upload again.",
        ));
    }
    Ok(Package {
        sha256: sha256_b64(&bytes),
        size: bytes.len() as u64,
        source: Map::new(),
    })
}

/// S3 code: the hash is the base64 SHA-256 of
/// `s3://BUCKET/KEY?versionId=VERSION` (empty version if none), the size
/// 1024 plus the first two bytes of that hash read as a big-endian number
/// (1024–66559 bytes).
fn s3_package(bucket: &str, key: &str, object_version: Option<&str>) -> Package {
    let reference = format!(
        "s3://{bucket}/{key}?versionId={}",
        object_version.unwrap_or("")
    );
    let digest = Sha256::digest(reference.as_bytes());
    let mut source = Map::new();
    source.insert("S3Bucket".into(), json!(bucket));
    source.insert("S3Key".into(), json!(key));
    if let Some(v) = object_version {
        source.insert("S3ObjectVersion".into(), json!(v));
    }
    Package {
        sha256: base64::engine::general_purpose::STANDARD.encode(digest),
        size: 1024 + u64::from(u16::from_be_bytes([digest[0], digest[1]])),
        source,
    }
}

/// An image URI split into repository and digest (hex): the digest in the
/// URI (`REPO@sha256:HEX`), else the SHA-256 of the whole URI, standing in
/// for what ECR would resolve the tag to.
fn image_digest(uri: &str) -> (String, String) {
    if let Some((repository, digest)) = uri.split_once("@sha256:")
        && digest.len() == 64
        && digest.chars().all(|c| c.is_ascii_hexdigit())
    {
        return (repository.to_string(), digest.to_ascii_lowercase());
    }
    let hex: String = Sha256::digest(uri.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // The tag follows the last ':' of the last path segment (a registry
    // host may carry a port).
    let path_start = uri.rfind('/').map_or(0, |i| i + 1);
    let repository = match uri[path_start..].rfind(':') {
        Some(i) => &uri[..path_start + i],
        None => uri,
    };
    (repository.to_string(), hex)
}

fn image_package(uri: &str) -> Result<Package, LambdaError> {
    if uri.trim().is_empty() {
        return Err(invalid("ImageUri must not be empty."));
    }
    let (repository, digest) = image_digest(uri);
    let mut source = Map::new();
    source.insert("ImageUri".into(), json!(uri));
    source.insert(
        "ResolvedImageUri".into(),
        json!(format!("{repository}@sha256:{digest}")),
    );
    Ok(Package {
        sha256: digest,
        size: 0,
        source,
    })
}

/// Members an `Image` function cannot have.
const NOT_FOR_IMAGES: [&str; 3] = ["Runtime", "Handler", "Layers"];

/// Checks the configuration members a package type needs or refuses:
/// `Zip` functions are created with `Runtime` and `Handler`; `Image`
/// functions take neither, nor `Layers` (on create and on configuration
/// updates).
pub(super) fn check_package_members(
    input: &Value,
    package_type: &str,
    creating: bool,
) -> Result<(), LambdaError> {
    let given = |m: &str| input.get(m).is_some_and(|v| !v.is_null());
    if package_type == "Image" {
        if NOT_FOR_IMAGES.iter().any(|m| given(m)) {
            return Err(invalid(
                "Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image.",
            ));
        }
    } else if creating && !(given("Runtime") && given("Handler")) {
        return Err(invalid(
            "Runtime and Handler are mandatory parameters for functions created with deployment packages.",
        ));
    }
    Ok(())
}

/// The `Code` member of GetFunction: ECR for images (`ImageUri` and the
/// digest-pinned `ResolvedImageUri`), else S3 with a presigned-looking
/// `Location` of Lambda's own copy, as AWS answers for zip and S3 code.
pub(super) fn location(f: &Function, v: &FunctionVersion) -> Value {
    let mut out = Map::new();
    if let Some(uri) = v.code_source.get("ImageUri") {
        out.insert("RepositoryType".into(), json!("ECR"));
        out.insert("ImageUri".into(), uri.clone());
        let resolved = v
            .code_source
            .get("ResolvedImageUri")
            .cloned()
            .unwrap_or_else(|| uri.clone());
        out.insert("ResolvedImageUri".into(), resolved);
    } else {
        out.insert("RepositoryType".into(), json!("S3"));
        out.insert(
            "Location".into(),
            json!(format!(
                "https://awslambda-{region}-tasks.s3.{region}.amazonaws.com/snapshots/{account}/{name}-{rev}",
                region = f.region,
                account = ec2::ACCOUNT_ID,
                name = f.name,
                rev = v.revision_id
            )),
        );
    }
    if let Some(kms) = v.code_source.get("SourceKMSKeyArn") {
        out.insert("SourceKMSKeyArn".into(), kms.clone());
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_source_matching_the_package_type() {
        let zip = base64::engine::general_purpose::STANDARD.encode(b"PK\x05\x06rest");
        let err = |code: Value, ty: &str| package(&code, ty).err().map(|e| e.to_string());
        assert!(err(json!({"ZipFile": zip}), "Zip").is_none());
        assert!(
            err(
                json!({"ZipFile": zip, "S3Bucket": "b", "S3Key": "k"}),
                "Zip"
            )
            .is_some()
        );
        assert!(err(json!({"S3Bucket": "b"}), "Zip").is_some());
        assert!(err(json!({"S3ObjectVersion": "1"}), "Zip").is_some());
        assert!(err(json!({"ImageUri": "r/x:1"}), "Zip").is_some());
        assert!(err(json!({"ZipFile": zip}), "Image").is_some());
        assert!(err(json!({"ImageUri": "r/x:1", "S3Key": "k"}), "Image").is_some());
        assert!(err(json!({}), "Zip").is_some());
    }

    #[test]
    fn s3_and_image_hashes_are_deterministic() {
        let a = package(&json!({"S3Bucket": "b", "S3Key": "k"}), "Zip")
            .unwrap_or_else(|e| panic!("{e}"));
        let again = package(&json!({"S3Bucket": "b", "S3Key": "k"}), "Zip")
            .unwrap_or_else(|e| panic!("{e}"));
        let other = package(
            &json!({"S3Bucket": "b", "S3Key": "k", "S3ObjectVersion": "2"}),
            "Zip",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a, again);
        assert_ne!(a.sha256, other.sha256);
        assert!((1024..=66_559).contains(&a.size));

        let uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1";
        let image = package(&json!({"ImageUri": uri}), "Image").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(image.sha256.len(), 64);
        assert_eq!(image.size, 0);
        assert_eq!(
            image.source["ResolvedImageUri"],
            format!(
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:{}",
                image.sha256
            )
        );
        let digest = "ab".repeat(32);
        let pinned = format!("localhost:5000/app@sha256:{digest}");
        let image =
            package(&json!({"ImageUri": pinned}), "Image").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(image.sha256, digest);
        assert_eq!(image_digest("localhost:5000/app").0, "localhost:5000/app");
    }
}
