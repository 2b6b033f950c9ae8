// mailwire-proxy: an nginx-compatible IMAP/POP3/SMTP proxy (see app/ProxyMain.cpp).
#include "app/ProxyMain.h"

int main(int argc, char** argv) { return mailwire::app::proxyMain(argc, argv); }
