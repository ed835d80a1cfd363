"""统一出件: finished licences handed out at the pickup desk, from a locker, or by post, against a signed code.

    api          the HTTP routes (register(app)) and this extension's migrations
    schema       the tables (licences, code_audit)
    keyfile      the signing keys on disk (<db>.keys.json, 0600), rotation and retirement
    licences     registering licences one by one or from CSV; the public view of one
    redeem       a kiosk redeems a code: desk ticket, locker door, or the address for post
    handover     the pickup desk hands the licence over after checking the ID digits
    refusals     the refusal codes with their plain Chinese and English words
    audit_log    the append-only record of every redeem, refusal and handover
    notice       the printable pickup notice (PNG, PDF) and the SMS text
    lockers      the locker adapter the server uses (hardware.locker), from the settings
"""
