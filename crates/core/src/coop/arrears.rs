//! Arrears ageing: how late a loan is, and its collectibility class.
