// placeholder: being written (packet mode, issue 3)
