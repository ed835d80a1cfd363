"""好差评: citizens rate each service (window pad or phone via the ticket's QR); bad ratings are followed up."""
