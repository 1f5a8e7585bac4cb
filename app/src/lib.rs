//! Gắn Bó: the app shared by the server (rendering, server functions) and the browser
//! (hydration). Features live in `features/`, shared UI in `ui/`, server-only plumbing
//! in `server/`, the demo ward in `demo`.

#![recursion_limit = "512"]

pub mod core;
#[cfg(feature = "ssr")]
pub mod demo;
pub mod error;
pub mod features;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Html, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::features::auth::account_page::AccountPage;
use crate::features::auth::choose_password_page::ChoosePasswordPage;
use crate::features::auth::sign_in_page::SignInPage;
use crate::features::board::{
    board_page::BoardPage, register_page::RegisterPage, registration_page::RegistrationPage,
};
use crate::features::concerns::{
    board_page::ConcernBoardPage, calendar_page::CalendarPage, concern_page::ConcernPage,
    hot_spots_page::HotSpotsPage, inbox_page::InboxPage, my_concerns_page::MyConcernsPage,
};
use crate::features::meetings::{
    list_page::MeetingsPage, meeting_page::MeetingPage, minutes_page::MinutesPage,
};
use crate::features::org::{
    accounts_page::AccountsPage,
    cells_page::{CellPage, CellsPage},
    households_page::HouseholdsPage,
    member_page::MemberPage,
    members_page::MembersPage,
    setup_page::SetupPage,
    sign_ins_page::SignInsPage,
    units_page::UnitsPage,
};
use crate::features::reviews::{
    dv213_page::Dv213Page,
    evidence_page::EvidencePage,
    report_page::{CellReportPage, WardReportPage},
    stewards_view::CommitteeStewards,
};
use crate::features::transfer::data_page::{DataPage, WardExports};
use crate::features::visits::{
    coverage_page::CoveragePage, household_page::HouseholdPage, my_page::MyPage,
    offline_page::OfflinePage,
};
use crate::i18n::*;
use crate::ui::layout::{HomeRedirect, SignedInLayout};
use crate::ui::status_page::NotFoundPage;

/// Marks the page as live once its islands are hydrated, for people's scripts and for the
/// browser tests (`html[data-hydrated]`).
#[cfg(feature = "hydrate")]
pub fn mark_hydrated() {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    server::csp::send_page_policy();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#b3261e" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
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
    // The language is fixed for a response (switching reloads the page). A plain value, not
    // a signal: the page's head is written after the body, when its signals may be gone.
    let lang = i18n.get_locale_untracked().as_str();
    let description = td_string!(i18n.get_locale_untracked(), tagline);
    view! {
            <Html attr:lang=lang />
            <Meta name="description" content=description />
            <AppTitle />
            <Router>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/login") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("/welcome") view=ChoosePasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/offline") view=OfflinePage />
                    <Route path=path!("/setup") view=SetupPage ssr=SsrMode::Async />
                    <ParentRoute path=path!("") view=SignedInLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=HomeRedirect />
                        <Route path=path!("/my") view=MyPage />
                        <Route path=path!("/account") view=AccountPage />
                        // The cells, then, for those who read a whole ward, its committee
                        // members' cells and its export links.
                        <Route path=path!("/cells") view=|| view! { <CellsPage /> <CommitteeStewards /> <WardExports /> } />
                        <Route path=path!("/cells/:cell") view=CellPage />
                        <Route path=path!("/cells/:cell/board") view=BoardPage />
                        <Route path=path!("/cells/:cell/register") view=RegisterPage />
                        <Route path=path!("/my/register") view=RegistrationPage />
                        <Route path=path!("/cells/:cell/members") view=MembersPage />
                        <Route path=path!("/cells/:cell/households") view=HouseholdsPage />
                        <Route path=path!("/cells/:cell/data") view=DataPage />
                        <Route path=path!("/cells/:cell/sign-ins") view=SignInsPage />
                        <Route path=path!("/cells/:cell/visits") view=CoveragePage />
                        <Route path=path!("/members/:member") view=MemberPage />
                        <Route path=path!("/households/:household") view=HouseholdPage />
                        <Route path=path!("/my/concerns") view=MyConcernsPage />
                        <Route path=path!("/concerns/:concern") view=ConcernPage />
                        <Route path=path!("/cells/:cell/concerns") view=ConcernBoardPage />
                        <Route path=path!("/cells/:cell/hot-spots") view=HotSpotsPage />
                        <Route path=path!("/wards/:ward/inbox") view=InboxPage />
                        <Route path=path!("/wards/:ward/calendar") view=CalendarPage />
                        <Route path=path!("/cells/:cell/meetings") view=MeetingsPage />
                        <Route path=path!("/cells/:cell/meetings/:month") view=MeetingPage />
                        <Route path=path!("/cells/:cell/meetings/:month/minutes") view=MinutesPage />
                        <Route path=path!("/cells/:cell/reports") view=CellReportPage />
                        <Route path=path!("/cells/:cell/reports/members") view=EvidencePage />
                        <Route path=path!("/cells/:cell/reports/dv213") view=Dv213Page />
                        <Route path=path!("/wards/:ward/reports") view=WardReportPage />
                        <Route path=path!("/wards/:ward/units") view=UnitsPage />
                        <Route path=path!("/wards/:ward/accounts") view=AccountsPage />
                    </ParentRoute>
                </Routes>
            </Router>
    }
}

#[component]
fn AppTitle() -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    view! { <Title formatter=move |page: String| {
        let app = td_string!(l, app_name);
        if page.is_empty() { app.to_string() } else { format!("{page} · {app}") }
    } /> }
}
