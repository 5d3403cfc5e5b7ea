// Outgoing notifications (issue 6): not built yet.
