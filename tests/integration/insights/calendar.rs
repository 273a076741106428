//! `rolecall calendar` (issue 16 point 4).
