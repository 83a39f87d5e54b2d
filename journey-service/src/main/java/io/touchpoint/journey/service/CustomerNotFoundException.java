package io.touchpoint.journey.service;

/** No customer has this id or identifier. */
public class CustomerNotFoundException extends RuntimeException {

    public CustomerNotFoundException(String message) {
        super(message);
    }
}
