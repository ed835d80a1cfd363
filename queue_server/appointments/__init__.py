"""预约: bookable slots per zone, booking and cancelling for the online platform, check-in at the kiosk.

    config     config/appointments.toml → AppointmentRules (pure, validated, errors name the key)
    slots      the slots of a zone on a day and the check-in window around a slot (pure)
    schema     the appointments table (its own migration set)
    booking    book, cancel, availability
    checkin    a kiosk checks a code in: an appointment ticket, a normal one when late, or a refusal
    stats      bookings, check-ins, late arrivals and no-shows per zone and day
    api        the HTTP routes
"""
