"""What the hall sees: projectors, each with a queue of slides the chair projects one by one."""
