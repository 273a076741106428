//! The friction a new team met (issue 14, point 5), each mended and shown
//! here: where findings sit, what the summary counts, running from a
//! subfolder, and the like.

use crate::check_codes::{check_json, one_record};
use crate::harness::CLEAN_RECORD;

#[test]
fn render_counts_the_warnings_it_was_stopped_with() {
    // One error (a missing owner) and one warning (a handover without a
    // note).
    let record = CLEAN_RECORD
        .replace("  communications_manager: carol\n", "")
        .replace(
            "  tech_lead: bob\n",
            "  tech_lead:\n    - owner: bob\n    - owner: erin\n      from: 2026-11-20T09:20:00Z\n",
        );
    let project = one_record(&record);
    let (_, found) = check_json(&project, &[]);
    let codes: Vec<&str> = found.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["missing-owner", "handover-without-note"]);
    let run = project.run(&["render", "--color", "never"]);
    run.code(1);
    assert!(
        run.stderr.contains("checked 1 incident: 1 error, 1 warning"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("warning[handover-without-note]"), "{}", run.stderr);
    assert!(!project.exists("incidents/INC-1"), "documents were written");
}
