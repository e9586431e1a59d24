//! Code sources: zip, S3 and container images, with the hashes, sizes and
//! code locations AWS reports, and the package type rules.

use aws_sdk_lambda::types::{FunctionCode, ImageConfig, PackageType};
use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::*;

const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1";

fn s3_sha(reference: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(reference.as_bytes()))
}

fn hex_sha(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn image_function(
    client: &aws_sdk_lambda::Client,
    name: &str,
    uri: &str,
) -> aws_sdk_lambda::operation::create_function::builders::CreateFunctionFluentBuilder {
    client
        .create_function()
        .function_name(name)
        .role(ROLE)
        .package_type(PackageType::Image)
        .code(FunctionCode::builder().image_uri(uri).build())
}

#[tokio::test]
async fn s3_code_is_hashed_from_its_reference() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let s3 = |version: Option<&str>| {
        FunctionCode::builder()
            .s3_bucket("artifacts")
            .s3_key("app.zip")
            .set_s3_object_version(version.map(str::to_string))
            .build()
    };
    let created = create_function(&client, "from-s3")
        .code(s3(None))
        .send()
        .await
        .expect("S3 code");
    assert_eq!(
        created.code_sha256(),
        Some(s3_sha("s3://artifacts/app.zip?versionId=").as_str())
    );
    assert!((1024..=66_559).contains(&created.code_size()));
    wait_function_state(&client, "from-s3", None, "Active").await;
    let got = client
        .get_function()
        .function_name("from-s3")
        .send()
        .await
        .unwrap();
    let code = got.code().unwrap();
    assert_eq!(code.repository_type(), Some("S3"));
    assert!(
        code.location()
            .unwrap()
            .starts_with("https://awslambda-us-east-1-tasks.s3.us-east-1.amazonaws.com/"),
        "{code:?}"
    );
    assert!(code.image_uri().is_none());

    // Same reference, same hash; another object version, another hash.
    let same = client
        .update_function_code()
        .function_name("from-s3")
        .s3_bucket("artifacts")
        .s3_key("app.zip")
        .dry_run(true)
        .send()
        .await
        .unwrap();
    assert_eq!(same.code_sha256(), created.code_sha256());
    let updated = client
        .update_function_code()
        .function_name("from-s3")
        .s3_bucket("artifacts")
        .s3_key("app.zip")
        .s3_object_version("v2")
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.code_sha256(),
        Some(s3_sha("s3://artifacts/app.zip?versionId=v2").as_str())
    );

    // Exactly one source.
    let both = FunctionCode::builder()
        .zip_file(aws_smithy_types::Blob::new(zip("x")))
        .s3_bucket("artifacts")
        .s3_key("app.zip")
        .build();
    let err = create_function(&client, "two-sources")
        .code(both)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");
    let half = FunctionCode::builder().s3_bucket("artifacts").build();
    let err = create_function(&client, "half-s3")
        .code(half)
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(message.contains("S3Bucket and S3Key"), "{message}");
    let image_in_zip = FunctionCode::builder().image_uri(IMAGE).build();
    let err = create_function(&client, "zip-with-image")
        .code(image_in_zip)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).0, "InvalidParameterValueException");
    assert!(emu.state()["functions"].as_object().unwrap().len() == 1);
}

#[tokio::test]
async fn image_functions() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let created = image_function(&client, "img", IMAGE)
        .image_config(
            ImageConfig::builder()
                .command("app.handler")
                .working_directory("/var/task")
                .build(),
        )
        .send()
        .await
        .expect("image function");
    assert_eq!(created.package_type(), Some(&PackageType::Image));
    assert_eq!(created.code_sha256(), Some(hex_sha(IMAGE).as_str()));
    assert_eq!(created.code_size(), 0);
    assert!(created.runtime().is_none());
    let image_config = created.image_config_response().unwrap().image_config();
    assert_eq!(image_config.unwrap().command(), ["app.handler"]);
    wait_function_state(&client, "img", None, "Active").await;

    let got = client
        .get_function()
        .function_name("img")
        .send()
        .await
        .unwrap();
    let code = got.code().unwrap();
    assert_eq!(code.repository_type(), Some("ECR"));
    assert_eq!(code.image_uri(), Some(IMAGE));
    assert_eq!(
        code.resolved_image_uri(),
        Some(
            format!(
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:{}",
                hex_sha(IMAGE)
            )
            .as_str()
        )
    );
    assert!(code.location().is_none());
    let config = got.configuration().unwrap();
    assert_eq!(
        config
            .image_config_response()
            .and_then(|r| r.image_config())
            .and_then(|c| c.working_directory()),
        Some("/var/task")
    );

    // A digest in the URI is the digest reported.
    let digest = "0123456789abcdef".repeat(4);
    let pinned = format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:{digest}");
    let updated = client
        .update_function_code()
        .function_name("img")
        .image_uri(&pinned)
        .send()
        .await
        .expect("new image");
    assert_eq!(updated.code_sha256(), Some(digest.as_str()));
    wait_function_state(&client, "img", None, "Active").await;

    // The package type cannot change.
    let err = client
        .update_function_code()
        .function_name("img")
        .zip_file(aws_smithy_types::Blob::new(zip("img")))
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(message.contains("packageType Image"), "{message}");
    create_function(&client, "zipped").send().await.unwrap();
    wait_function_state(&client, "zipped", None, "Active").await;
    let err = client
        .update_function_code()
        .function_name("zipped")
        .image_uri(IMAGE)
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(message.contains("packageType Zip"), "{message}");

    // Image functions take no runtime, handler or layers.
    let message = "Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image.";
    for builder in [
        image_function(&client, "img-runtime", IMAGE)
            .runtime(aws_sdk_lambda::types::Runtime::Python313),
        image_function(&client, "img-handler", IMAGE).handler("app.handler"),
        image_function(&client, "img-layers", IMAGE)
            .layers("arn:aws:lambda:us-east-1:123456789012:layer:deps:1"),
    ] {
        let err = builder.send().await.unwrap_err();
        assert_eq!(
            error_of(&err),
            ("InvalidParameterValueException".into(), message.into())
        );
    }
    let err = client
        .update_function_configuration()
        .function_name("img")
        .handler("app.handler")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_of(&err).1, message);
    // ... and need an image.
    let err = client
        .create_function()
        .function_name("img-from-s3")
        .role(ROLE)
        .package_type(PackageType::Image)
        .code(
            FunctionCode::builder()
                .s3_bucket("artifacts")
                .s3_key("app.zip")
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    let (code, message) = error_of(&err);
    assert_eq!(code, "InvalidParameterValueException");
    assert!(message.contains("ImageUri"), "{message}");
    let functions = emu.state()["functions"].as_object().unwrap().len();
    assert_eq!(functions, 2);
}
