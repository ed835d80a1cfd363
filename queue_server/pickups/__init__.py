"""统一出件: finished licences handed out at the pickup desk, from a locker, or by post, against a signed code.

    licences     registering licences one by one or from CSV; the public view of one
    redeem       a kiosk redeems a code: desk ticket, locker door, or the address for post
    handover     the pickup desk hands the licence over after checking the ID digits
    notice       the printable pickup notice (PNG, PDF) and the SMS text
    places       where the citizen goes (pickup desk, enquiries)
    lockers      the locker port the server is given (hardware.locker implements it)
    cli          `hall keys ...`: the signing keys
Routes: queue_server/api/pickups.py; tables: queue_server/storage/pickups_schema.py; the codes themselves
(keys, lookup, refusals, throttle, audit) are shared with appointments in queue_server/codes/.
"""
