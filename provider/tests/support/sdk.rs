//! The AWS SDK for Rust against a test's emulator: how a test changes things outside
//! Terraform (someone using the console or the CLI).

use std::future::Future;

use acceptance_tests::Emulator;
use aws_sdk_lambda::config::{BehaviorVersion, Credentials, Region};

/// A Lambda client on the emulator's endpoint, with its own runtime so synchronous
/// tests can call it.
pub struct Lambda {
    rt: tokio::runtime::Runtime,
    client: aws_sdk_lambda::Client,
}

impl Lambda {
    /// A client for `emulator`, in `us-east-1` with the emulator's test credentials.
    pub fn for_emulator(emulator: &Emulator) -> Self {
        let rt = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => panic!("starting a runtime for the SDK: {e}"),
        };
        let config = aws_sdk_lambda::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(emulator.url())
            .credentials_provider(Credentials::new("test", "test", None, None, "test"))
            .build();
        Self {
            rt,
            client: aws_sdk_lambda::Client::from_conf(config),
        }
    }

    /// The client.
    pub fn client(&self) -> &aws_sdk_lambda::Client {
        &self.client
    }

    /// Runs a future (an SDK call) to completion.
    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// Tags `arn` outside Terraform, as someone might between two applies.
    pub fn tag(&self, arn: &str, tags: &[(&str, &str)]) {
        let request = tags
            .iter()
            .fold(self.client.tag_resource().resource(arn), |r, (k, v)| {
                r.tags(*k, *v)
            });
        if let Err(e) = self.block_on(request.send()) {
            panic!("tagging {arn}: {e:?}");
        }
    }
}
