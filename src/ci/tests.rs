use super::*;

#[test]
fn action_references_need_owner_repo_and_ref() {
    for good in [
        "my-org/rolecall@v1",
        "a/b@main",
        "org/repo/sub@0123abc",
        "o.x/r_y@release/1.2",
    ] {
        assert_eq!(parse_action(good).as_deref(), Ok(good), "{good}");
    }
    for bad in [
        "rolecall@v1",
        "org/repo",
        "org/repo@",
        "/repo@v1",
        "org/re po@v1",
        "org/repo@v1;rm",
        "org//repo@v1",
    ] {
        assert!(parse_action(bad).is_err(), "{bad}");
    }
}

#[test]
fn git_urls_need_a_scheme_and_safe_bytes() {
    for good in [
        "https://github.com/org/rolecall.git",
        "ssh://git@example.com/org/rolecall",
        "file:///srv/rolecall",
    ] {
        assert_eq!(parse_git_url(good).as_deref(), Ok(good), "{good}");
    }
    for bad in [
        "github.com/org/rolecall",
        "https://x/'y",
        "https://x/$(id)",
        "https://x y",
        "",
    ] {
        assert!(parse_git_url(bad).is_err(), "{bad}");
    }
}

fn setup(install: Install, render_via: RenderVia) -> Setup {
    Setup {
        install,
        render_via,
    }
}

#[test]
fn the_workflow_uses_the_action_it_is_given_everywhere() {
    let text = github_workflow(&setup(Install::Action("org/rc@v2".into()), RenderVia::Push));
    assert_eq!(text.matches("uses: org/rc@v2").count(), 5, "{text}");
    assert!(!text.contains("cargo install"), "{text}");
    assert!(!text.contains(ACTION_PLACEHOLDER));
}

#[test]
fn the_workflow_installs_from_a_git_url_with_a_cache() {
    let text = github_workflow(&setup(
        Install::Git("https://example.com/rc.git".into()),
        RenderVia::Push,
    ));
    assert_eq!(text.matches("uses: actions/cache@v4").count(), 4, "{text}");
    assert!(
        text.contains("cargo install --locked --git 'https://example.com/rc.git'"),
        "{text}"
    );
    assert!(!text.contains("org/rc"));
}

#[test]
fn render_via_chooses_push_or_pull_request() {
    let push = github_workflow(&setup(Install::Action("o/r@v1".into()), RenderVia::Push));
    let pr = github_workflow(&setup(
        Install::Action("o/r@v1".into()),
        RenderVia::PullRequest,
    ));
    assert!(
        push.contains("git push origin \"HEAD:$GITHUB_REF_NAME\""),
        "{push}"
    );
    assert!(!push.contains("gh pr create"));
    assert!(pr.contains("gh pr create"), "{pr}");
    assert!(pr.contains("pull-requests: write"), "{pr}");
    let lab_push = gitlab_configuration("https://x/r.git", RenderVia::Push);
    let lab_mr = gitlab_configuration("https://x/r.git", RenderVia::PullRequest);
    assert!(!lab_push.contains("merge_request.create"), "{lab_push}");
    assert!(lab_mr.contains("merge_request.create"), "{lab_mr}");
}
