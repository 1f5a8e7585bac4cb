//! Gắn Bó: the app shared by the server (rendering, server functions) and the browser
//! (hydration). Features live in `features/`, shared UI in `ui/`, server-only plumbing
//! in `server/`.

#![recursion_limit = "512"]

pub mod error;
pub mod features;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Html, MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::features::auth::sign_in_page::SignInPage;
use crate::features::transfer::data_page::DataPage;
use crate::features::org::{
    cells_page::{CellPage, CellsPage},
    household_page::HouseholdPage,
    households_page::HouseholdsPage,
    member_page::MemberPage,
    members_page::MembersPage,
    my_page::MyPage,
};
use crate::i18n::*;
use crate::ui::layout::{HomeRedirect, SignedInLayout};
use crate::ui::status_page::NotFoundPage;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#b3261e" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = crate::ui::i18n::provide_i18n();
    view! {
            <Html attr:lang=move || i18n.get_locale().as_str() />
            <AppTitle />
            <Router>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/login") view=SignInPage ssr=SsrMode::Async />
                    <ParentRoute path=path!("") view=SignedInLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=HomeRedirect />
                        <Route path=path!("/my") view=MyPage />
                        <Route path=path!("/cells") view=CellsPage />
                        <Route path=path!("/cells/:cell") view=CellPage />
                        <Route path=path!("/cells/:cell/members") view=MembersPage />
                        <Route path=path!("/cells/:cell/households") view=HouseholdsPage />
                        <Route path=path!("/cells/:cell/data") view=DataPage />
                        <Route path=path!("/members/:member") view=MemberPage />
                        <Route path=path!("/households/:household") view=HouseholdPage />
                    </ParentRoute>
                </Routes>
            </Router>
    }
}

#[component]
fn AppTitle() -> impl IntoView {
    let i18n = use_i18n();
    view! { <Title formatter=move |page: String| {
        let app = td_string!(i18n.get_locale(), app_name);
        if page.is_empty() { app.to_string() } else { format!("{page} · {app}") }
    } /> }
}
