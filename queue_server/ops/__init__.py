"""Operations on the hall: each takes a Hall and reads or writes through its store."""
