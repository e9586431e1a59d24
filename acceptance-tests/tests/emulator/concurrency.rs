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

/// `GET /_emulator/concurrency`.
async fn concurrency(emu: &acceptance_tests::Emulator) -> acceptance_tests::Concurrency {
    let resp = raw(emu, "GET", "/_emulator/concurrency", None, "")
        .await
        .expect("answered");
    assert_eq!(resp.status, 200, "{}", resp.body);
    serde_json::from_str(&resp.body).unwrap_or_else(|e| panic!("{e}: {}", resp.body))
}

/// ListCapacityProviders over raw HTTP: its status, or `None` if the connection
/// closed without an answer.
async fn list_capacity_providers(emu: &acceptance_tests::Emulator) -> Option<u16> {
    raw(
        emu,
        "GET",
        "/2025-11-30/capacity-providers",
        Some("lambda"),
        "",
    )
    .await
    .map(|r| r.status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn peak_of_calls_in_flight() {
    use acceptance_tests::{Concurrency, FaultKind, FaultSpec};
    let emu = emulator().await;
    // Held long enough that three calls sent together are all in flight at once.
    emu.inject_fault(FaultSpec {
        latency_ms: Some(1000),
        ..FaultSpec::rate("ListCapacityProviders", FaultKind::Latency, 1.0)
    });
    let (a, b, c, ()) = tokio::join!(
        list_capacity_providers(&emu),
        list_capacity_providers(&emu),
        list_capacity_providers(&emu),
        // Control API calls (these polls among them) are not AWS calls.
        eventually("three calls in flight", || async {
            (concurrency(&emu).await.in_flight == 3).then_some(())
        })
    );
    assert_eq!((a, b, c), (Some(200), Some(200), Some(200)));
    assert_eq!(
        concurrency(&emu).await,
        Concurrency {
            peak_in_flight: 3,
            in_flight: 0
        },
        "each call stopped counting when its response was made"
    );
    assert_eq!(emu.concurrency(), concurrency(&emu).await);
    assert_eq!(
        raw(&emu, "GET", "/_emulator/concurrency", None, "")
            .await
            .unwrap()
            .json(),
        serde_json::json!({"peak_in_flight": 3, "in_flight": 0})
    );

    // The call counters keep their shape: operation -> stats, nothing else.
    let calls = raw(&emu, "GET", "/_emulator/calls", None, "")
        .await
        .unwrap()
        .json();
    assert_eq!(
        calls
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect::<Vec<_>>()),
        Some(vec!["ListCapacityProviders"])
    );

    // Cleared with the call counters; calls one at a time peak at one.
    let cleared = raw(&emu, "DELETE", "/_emulator/calls", None, "")
        .await
        .unwrap();
    assert_eq!(cleared.status, 200);
    assert_eq!(concurrency(&emu).await, Concurrency::default());
    emu.clear_faults();
    for _ in 0..2 {
        assert_eq!(list_capacity_providers(&emu).await, Some(200));
    }
    assert_eq!(emu.peak_in_flight(), 1);

    // A call whose connection is dropped, and one that fails, stop counting too.
    emu.inject_fault(FaultSpec::times(
        "ListCapacityProviders",
        FaultKind::Drop,
        1,
    ));
    assert_eq!(list_capacity_providers(&emu).await, None);
    // The connection closes as the call's future is dropped, so the client may see
    // the end of it a moment before the count does.
    eventually("no call in flight after the drop", || async {
        (concurrency(&emu).await.in_flight == 0).then_some(())
    })
    .await;
    let unknown = raw(&emu, "GET", "/2025-11-30/nowhere", Some("lambda"), "")
        .await
        .unwrap();
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert_eq!(
        concurrency(&emu).await,
        Concurrency {
            peak_in_flight: 1,
            in_flight: 0
        }
    );

    // A reset clears the peak too.
    emu.reset();
    assert_eq!(concurrency(&emu).await, Concurrency::default());
}
