//! Many clients at once: no lost updates.

use std::collections::BTreeSet;

use crate::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_tagging_loses_nothing() {
    let emu = emulator().await;
    let client = lambda(&emu);
    let arn = create_capacity_provider(&client, "cp-tags").await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        // Each task has its own client (and connection pool).
        let client = lambda(&emu);
        let arn = arn.clone();
        tasks.push(tokio::spawn(async move {
            client
                .tag_resource()
                .resource(arn)
                .tags(format!("key-{i}"), format!("value-{i}"))
                .send()
                .await
                .expect("tag")
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let tags = client.list_tags().resource(&arn).send().await.unwrap();
    let keys: BTreeSet<&String> = tags.tags().unwrap().keys().collect();
    assert_eq!(keys.len(), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_and_conflicting_updates() {
    // A long update delay so every racing update lands while the first one
    // is still in progress.
    let emu = acceptance_tests::Emulator::start(acceptance_tests::EmulatorOptions {
        update_delay: std::time::Duration::from_secs(3),
        ..acceptance_tests::EmulatorOptions::with_delays(DELAY)
    })
    .await
    .unwrap();
    let mut tasks = Vec::new();
    for i in 0..10 {
        let client = lambda(&emu);
        tasks.push(tokio::spawn(async move {
            create_function(&client, &format!("fn-{i}"))
                .send()
                .await
                .expect("create")
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(emu.state()["functions"].as_object().unwrap().len(), 10);

    let client = lambda(&emu);
    wait_function_state(&client, "fn-0", None, "Active").await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let client = lambda(&emu);
        tasks.push(tokio::spawn(async move {
            client
                .update_function_configuration()
                .function_name("fn-0")
                .description(format!("update {i}"))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| error_of(&e).0)
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(code) => assert_eq!(code, "ResourceConflictException"),
        }
    }
    assert_eq!(ok, 1, "exactly one update wins while the others conflict");
}
